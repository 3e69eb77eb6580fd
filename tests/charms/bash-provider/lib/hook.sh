#!/bin/bash
# The one script behind every hook of bash-provider (hooks/* link here).
set -eu
D="$JUJU_CHARM_DIR"
echo "${JUJU_HOOK_NAME:--} ${JUJU_RELATION_ID:--} ${JUJU_REMOTE_UNIT:--} ${JUJU_REMOTE_APP:--} ${JUJU_DEPARTING_UNIT:--}" >> "$D/hooks.log"

case "$JUJU_HOOK_NAME" in
    start)
        status-set active "provider ready"
        ;;
    data-relation-joined)
        relation-set -r "$JUJU_RELATION_ID" token=abc unit="$JUJU_UNIT_NAME"
        ;;
esac

echo "END $JUJU_HOOK_NAME" >> "$D/hooks.log"
