#!/bin/bash
# The one script behind every hook of bash-peer (hooks/* link here).
set -eu
D="$JUJU_CHARM_DIR"
echo "${JUJU_HOOK_NAME:--} ${JUJU_RELATION_ID:--} ${JUJU_REMOTE_UNIT:--} ${JUJU_REMOTE_APP:--} ${JUJU_DEPARTING_UNIT:--}" >> "$D/hooks.log"

record_ring() {
    local rid="$1" members
    members="$(relation-list -r "$rid" | sort)"
    if [ -n "$members" ]; then
        echo "$members" > "$D/ring-members.txt"
    else
        : > "$D/ring-members.txt"
    fi
    status-set active "peers=$(grep -c . "$D/ring-members.txt" || true)"
}

case "$JUJU_HOOK_NAME" in
    start)
        for rid in $(relation-ids ring); do
            record_ring "$rid"
        done
        ;;
    ring-relation-*)
        record_ring "$JUJU_RELATION_ID"
        # What relation-list said during this very hook.
        echo "$JUJU_HOOK_NAME ${JUJU_REMOTE_UNIT:--} $(tr '\n' ',' < "$D/ring-members.txt")" \
            >> "$D/ring-history.txt"
        ;;
esac

echo "END $JUJU_HOOK_NAME" >> "$D/hooks.log"
