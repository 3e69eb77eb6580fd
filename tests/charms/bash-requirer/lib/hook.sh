#!/bin/bash
# The one script behind every hook of bash-requirer (hooks/* link here).
set -eu
D="$JUJU_CHARM_DIR"
echo "${JUJU_HOOK_NAME:--} ${JUJU_RELATION_ID:--} ${JUJU_REMOTE_UNIT:--} ${JUJU_REMOTE_APP:--} ${JUJU_DEPARTING_UNIT:--}" >> "$D/hooks.log"

# Every remote unit of every "data" relation: its token, and its whole bag.
# The token is read with -r <endpoint>:<id> (what relation-ids prints), the
# bag with the bare numeric id: relation-get accepts both.
collect_tokens() {
    local tmp="$D/tokens.txt.tmp" count=0 rid unit token
    : > "$tmp"
    for rid in $(relation-ids data); do
        for unit in $(relation-list -r "$rid"); do
            token="$(relation-get -r "$rid" token "$unit")"
            echo "$unit ${token:--}" >> "$tmp"
            if [ -n "$token" ]; then
                count=$((count + 1))
            fi
            relation-get -r "${rid##*:}" --format=json - "$unit" > "$D/bag-${unit//\//-}.json"
        done
    done
    mv "$tmp" "$D/tokens.txt"
    status-set active "tokens=$count"
}

# probe NAME CMD...: run CMD, keeping its exit code, stdout and stderr.
probe() {
    local name="$1" rc=0
    shift
    "$@" > "$D/$name.out" 2> "$D/$name.err" || rc=$?
    echo "$rc" > "$D/$name.rc"
}

case "$JUJU_HOOK_NAME" in
    config-changed)
        # An id that names no relation.
        probe bad-relation-id relation-get -r data:999 token bash-provider/0
        ;;
    data-relation-joined)
        relation-list -r "$JUJU_RELATION_ID" --app > "$D/remote-app.txt"
        ;;
    data-relation-departed)
        # The departing unit is no longer listed, but its settings stay readable.
        echo "$JUJU_REMOTE_UNIT $(relation-list -r "$JUJU_RELATION_ID" | tr '\n' ' ')" \
            >> "$D/departed-members.txt"
        echo "$JUJU_REMOTE_UNIT $(relation-get -r "$JUJU_RELATION_ID" token "$JUJU_REMOTE_UNIT")" \
            >> "$D/departed-tokens.txt"
        ;;
    data-relation-broken)
        # No members left; a bare relation-get reads the remote application bag.
        relation-list --format=json > "$D/broken-members.json"
        probe broken-app-bag relation-get --format=json
        ;;
esac

case "$JUJU_HOOK_NAME" in
    config-changed|data-relation-changed|data-relation-departed|data-relation-broken)
        collect_tokens
        ;;
esac

echo "END $JUJU_HOOK_NAME" >> "$D/hooks.log"
