# Shared by every hook of the hello charm.
set -eu
PIDFILE="$JUJU_CHARM_DIR/server.pid"
ADDR="$(unit-get private-address)"

server_running() {
    [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

stop_server() {
    if server_running; then
        kill "$(cat "$PIDFILE")" || true
    fi
    rm -f "$PIDFILE"
}

start_server() {
    port="$(config-get port)"
    # Detach fully: the daemon must not keep the hook's stdout open.
    UNIT="$JUJU_UNIT_NAME" setsid python3 "$JUJU_CHARM_DIR/files/serve.py" "$ADDR" "$port" "$JUJU_CHARM_DIR" \
        >"$JUJU_CHARM_DIR/server.log" 2>&1 </dev/null &
    echo $! > "$PIDFILE"
    echo "$port" > "$JUJU_CHARM_DIR/server.port"
    wait_listening "$port"
}

wait_listening() {
    # Ready means accepting connections, not merely started.
    for _ in $(seq 1 50); do
        if python3 -c "import socket,sys; socket.create_connection(('$ADDR', int(sys.argv[1])), 0.2)" "$1" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

render_page() {
    config-get greeting > "$JUJU_CHARM_DIR/greeting"
}

# Learn the store's address (unit data) and password (application data).
read_store() {
    rm -f "$JUJU_CHARM_DIR/store.json.new"
    for rid in $(relation-ids store); do
        for unit in $(relation-list -r "$rid"); do
            host="$(relation-get -r "$rid" host "$unit")"
            port="$(relation-get -r "$rid" port "$unit")"
            password="$(relation-get -r "$rid" --app password "${unit%/*}")"
            if [ -n "$host" ] && [ -n "$port" ] && [ -n "$password" ]; then
                printf '{"host": "%s", "port": %s, "password": "%s"}\n' "$host" "$port" "$password" \
                    > "$JUJU_CHARM_DIR/store.json.new"
                mv "$JUJU_CHARM_DIR/store.json.new" "$JUJU_CHARM_DIR/store.json"
                return 0
            fi
        done
    done
    rm -f "$JUJU_CHARM_DIR/store.json"
}

report() {
    if ! server_running; then
        status-set blocked "web server is not running"
    elif [ -f "$JUJU_CHARM_DIR/store.json" ]; then
        status-set active "serving on http://${ADDR}:$(config-get port)/, counting visits in kvstore"
    else
        status-set active "serving on http://${ADDR}:$(config-get port)/"
    fi
}
