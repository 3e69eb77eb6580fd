#!/bin/bash
# The one script behind every hook of bash-sub (hooks/* link here).
set -eu
D="$JUJU_CHARM_DIR"
echo "${JUJU_HOOK_NAME:--} ${JUJU_RELATION_ID:--} ${JUJU_REMOTE_UNIT:--} ${JUJU_REMOTE_APP:--} ${JUJU_DEPARTING_UNIT:--}" >> "$D/hooks.log"

echo "${JUJU_PRINCIPAL_UNIT:-}" > "$D/principal.txt"
case "$JUJU_HOOK_NAME" in
    host-relation-*)
        relation-list -r "$JUJU_RELATION_ID" > "$D/host-members.txt"
        ;;
esac
case "$JUJU_HOOK_NAME" in
    start|host-relation-*)
        status-set active "sub of ${JUJU_PRINCIPAL_UNIT:-}"
        ;;
esac

echo "END $JUJU_HOOK_NAME" >> "$D/hooks.log"
