#!/bin/bash
# The one script behind every hook of bash-access (hooks/* link here).
set -eu
D="$JUJU_CHARM_DIR"
echo "${JUJU_HOOK_NAME:--} ${JUJU_RELATION_ID:--} ${JUJU_REMOTE_UNIT:--} ${JUJU_REMOTE_APP:--} ${JUJU_DEPARTING_UNIT:--}" >> "$D/hooks.log"

APP="${JUJU_UNIT_NAME%/*}"

# probe NAME CMD...: run CMD, keeping its exit code, stdout and stderr (each
# file replaced at once, so a reader never sees one half written).
probe() {
    local name="$1" rc=0
    shift
    "$@" > "$D/.$name.out" 2> "$D/.$name.err" || rc=$?
    echo "$rc" > "$D/.$name.rc"
    mv "$D/.$name.out" "$D/$name.out"
    mv "$D/.$name.err" "$D/$name.err"
    mv "$D/.$name.rc" "$D/$name.rc"
}

case "$JUJU_HOOK_NAME" in
    start)
        status-set active "access ready"
        ;;
    leader-elected)
        for rid in $(relation-ids p); do
            relation-set -r "$rid" --app leader="$JUJU_UNIT_NAME"
        done
        ;;
    x-relation-changed|y-relation-changed)
        ep="${JUJU_HOOK_NAME%-relation-changed}"
        is-leader --format=json > "$D/.$ep-leader.json"
        mv "$D/.$ep-leader.json" "$D/$ep-leader.json"
        probe "$ep-app-set" relation-set -r "$JUJU_RELATION_ID" --app k="$JUJU_UNIT_NAME"
        probe "$ep-read-own-app" relation-get -r "$JUJU_RELATION_ID" --app --format=json - "$APP"
        for rid in $(relation-ids p); do
            probe "$ep-read-peer-app" relation-get -r "$rid" --app --format=json - "$APP"
        done
        probe "$ep-unit-set" relation-set -r "$JUJU_RELATION_ID" seen="$JUJU_REMOTE_APP"
        probe "$ep-read-own-unit" relation-get -r "$JUJU_RELATION_ID" --format=json - "$JUJU_UNIT_NAME"
        probe "$ep-read-remote-app" relation-get -r "$JUJU_RELATION_ID" --app --format=json - "$JUJU_REMOTE_APP"
        ;;
esac

echo "END $JUJU_HOOK_NAME" >> "$D/hooks.log"
