# Sourced by every hook, right after the hook recorded its name in hooks.log.
# shellcheck shell=bash

CHARM_DIR="$JUJU_CHARM_DIR"

# Steps every hook takes before its own work.
hook_begin() {
    is-leader --format=json > "$CHARM_DIR/leader.json"
    if [ "$(config-get fail-hook)" = "$JUJU_HOOK_NAME" ]; then
        echo "failing $JUJU_HOOK_NAME on purpose (fail-hook)" >&2
        exit 1
    fi
    if [ "$(config-get slow-hook)" = "$JUJU_HOOK_NAME" ]; then
        sleep "$(config-get slow-seconds)"
    fi
}

# The last thing every hook does.
hook_end() {
    echo "END $JUJU_HOOK_NAME" >> "$CHARM_DIR/hooks.log"
}
