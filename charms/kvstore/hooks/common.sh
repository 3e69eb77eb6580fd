# Shared by every hook of the kvstore charm.
set -eu
ADDR="$(unit-get private-address)"
PIDFILE="$JUJU_CHARM_DIR/kv.pid"
PWFILE="$JUJU_CHARM_DIR/password"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start_store() {
    running && return 0
    setsid python3 "$JUJU_CHARM_DIR/files/kv.py" "$ADDR" "$(config-get port)" "$PWFILE" \
        >"$JUJU_CHARM_DIR/kv.log" 2>&1 </dev/null &
    echo $! > "$PIDFILE"
}

stop_store() { running && kill "$(cat "$PIDFILE")" || true; rm -f "$PIDFILE"; }

# Every related application gets our address in our unit bag.
publish() {
    for rid in $(relation-ids store); do
        relation-set -r "$rid" host="$ADDR" port="$(config-get port)"
        if [ "$(is-leader)" = True ]; then
            relation-set -r "$rid" --app password="$(leader-get password)"
        fi
    done
}
