# Shared by every hook of the hello charm.
set -eu
WWW="$JUJU_CHARM_DIR/www"
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
    mkdir -p "$WWW"
    # Detach fully: the daemon must not keep the hook's stdout open.
    setsid python3 -m http.server "$port" --bind "$ADDR" --directory "$WWW" \
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
    mkdir -p "$WWW"
    greeting="$(config-get greeting)"
    cat > "$WWW/index.html" <<HTML
<!doctype html>
<title>hello</title>
<h1>${greeting}</h1>
<p>Served by ${JUJU_UNIT_NAME} at ${ADDR}.</p>
HTML
}

report() {
    if server_running; then
        status-set active "serving on http://${ADDR}:$(config-get port)/"
    else
        status-set blocked "web server is not running"
    fi
}
