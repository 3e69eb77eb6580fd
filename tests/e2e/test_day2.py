"""Secrets between related applications, storage, and file resources (issue: day-2 operations)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import yaml

from .harness import Juju

SECRET_VALUE = "topsecret-7c1f9a"
NEW_VALUE = "rotated-4e2b88"


def write_hooks(root: Path, body: str, hooks: list[str]) -> None:
    (root / "hooks").mkdir(parents=True, exist_ok=True)
    for hook in hooks:
        p = root / "hooks" / hook
        p.write_text(body)
        p.chmod(0o755)


def secret_owner(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "metadata.yaml").write_text("name: vault\nsummary: s\ndescription: d\nprovides:\n  creds:\n    interface: creds\n")
    (root / "actions.yaml").write_text("rotate:\n  description: new password\nrevoke:\n  description: revoke\n")
    body = textwrap.dedent(f"""\
        #!/bin/bash
        set -e
        echo "$JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"
        if [ "$JUJU_HOOK_NAME" = creds-relation-created ] && [ "$(is-leader)" = True ]; then
            uri=$(secret-add --label db-password password={SECRET_VALUE})
            secret-grant -r "$JUJU_RELATION_ID" "$uri"
            relation-set -r "$JUJU_RELATION_ID" --app uri="$uri"
            echo "$uri" > "$JUJU_CHARM_DIR/uri"
        fi
        """)
    write_hooks(root, body, ["install", "creds-relation-created", "creds-relation-joined"])
    (root / "actions").mkdir()
    (root / "actions" / "rotate").write_text(
        f'#!/bin/bash\nset -e\nsecret-set "$(cat "$JUJU_CHARM_DIR/uri")" password={NEW_VALUE}\naction-set done=yes\n')
    (root / "actions" / "revoke").write_text(
        '#!/bin/bash\nset -e\nrid=$(relation-ids creds | head -1)\n'
        'secret-revoke "$(cat "$JUJU_CHARM_DIR/uri")" --relation "$rid"\naction-set done=yes\n')
    for a in ("rotate", "revoke"):
        (root / "actions" / a).chmod(0o755)
    return root


def secret_consumer(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "metadata.yaml").write_text("name: webapp\nsummary: s\ndescription: d\nrequires:\n  creds:\n    interface: creds\n")
    body = textwrap.dedent("""\
        #!/bin/bash
        echo "$JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"
        case "$JUJU_HOOK_NAME" in
          creds-relation-changed)
            uri=$(relation-get --app uri "$JUJU_REMOTE_APP")
            if [ -n "$uri" ]; then
                echo "$uri" > "$JUJU_CHARM_DIR/uri"
                secret-get "$uri" password > "$JUJU_CHARM_DIR/got.txt"
            fi ;;
          secret-changed)
            echo "$JUJU_SECRET_ID" > "$JUJU_CHARM_DIR/changed-id"
            secret-get --refresh "$JUJU_SECRET_ID" password > "$JUJU_CHARM_DIR/got.txt" ;;
        esac
        exit 0
        """)
    write_hooks(root, body, ["install", "creds-relation-changed", "secret-changed"])
    return root


def test_secret_shared_updated_and_revoked(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(secret_owner(tmp_path / "vault")))
    juju.cli("deploy", str(secret_consumer(tmp_path / "webapp")))
    juju.wait_idle(["vault", "webapp"])
    juju.cli("integrate", "webapp", "vault")
    got = juju.charm_file("webapp/0", "got.txt")
    juju.wait(lambda st: got.exists() and got.read_text().strip() == SECRET_VALUE, what="the consumer to read it")
    uri = juju.charm_file("vault/0", "uri").read_text().strip()
    assert uri.startswith("secret:") and len(uri) == len("secret:") + 20

    out = json.loads(juju.cli("run", "vault/0", "rotate", "--format", "json").stdout)
    assert out["vault/0"]["status"] == "completed"
    juju.wait(lambda st: got.read_text().strip() == NEW_VALUE, what="secret-changed on the consumer")
    assert juju.charm_file("webapp/0", "changed-id").read_text().strip() == uri
    assert "secret-changed" in juju.charm_file("webapp/0", "hooks.log").read_text().split()

    out = json.loads(juju.cli("run", "vault/0", "revoke", "--format", "json").stdout)
    assert out["vault/0"]["status"] == "completed"
    res = juju.cli("exec", "--format", "json", "--unit", "webapp/0", "--", f"secret-get {uri}", check=False)
    result = json.loads(res.stdout)["webapp/0"]["results"]
    assert result["return-code"] != 0 and ("not found" in result["stderr"] or "denied" in result["stderr"])

    # The value is in no log, no status, and not in clear text in the store.
    logs = juju.cli("debug-log", "--replay", "--no-tail", "--level", "TRACE").stdout
    status = juju.cli("status", "--format", "json").stdout
    for value in (SECRET_VALUE, NEW_VALUE):
        assert value not in logs and value not in status
    data = juju.data_dir / "controllers" / juju.controller
    for f in data.iterdir():
        if f.is_file():
            assert SECRET_VALUE.encode() not in f.read_bytes(), f
            assert NEW_VALUE.encode() not in f.read_bytes(), f


def test_user_secret_lifecycle(juju: Juju, tmp_path: Path) -> None:
    uri = juju.cli("add-secret", "apikey", "token=abc123xyz", "--info", "an api key").stdout.strip()
    sid = uri.removeprefix("secret:")
    shown = json.loads(juju.cli("show-secret", "apikey", "--reveal", "--format", "json").stdout)
    assert shown[sid]["content"]["Data"] == {"token": "abc123xyz"}
    assert shown[sid]["owner"] == "<model>" and shown[sid]["description"] == "an api key"
    assert yaml.safe_load(juju.cli("show-secret", "apikey").stdout)[sid]["owner"] == "<model>"
    table = juju.cli("secrets").stdout.splitlines()
    assert table[0].split()[:3] == ["ID", "Name", "Owner"] and table[1].split()[:3] == [sid, "apikey", "<model>"]
    for owner in ("<model>", "model"):
        assert list(json.loads(juju.cli("secrets", "--owner", owner, "--format", "json").stdout)) == [sid]
    assert json.loads(juju.cli("secrets", "--owner", "application-x", "--format", "json").stdout) == {}
    assert shown[sid]["created"] == shown[sid]["updated"]
    juju.cli("update-secret", uri, "token=def456")
    shown = json.loads(juju.cli("show-secret", uri, "--revisions", "--format", "json").stdout)
    assert shown[sid]["revision"] == 2 and len(shown[sid]["revisions"]) == 2
    old = json.loads(juju.cli("show-secret", "apikey", "--reveal", "--revision", "1", "--format", "json").stdout)
    assert old[sid]["content"]["Data"] == {"token": "abc123xyz"}
    assert list(json.loads(juju.cli("secrets", "--format", "json").stdout)) == [sid]
    juju.cli("remove-secret", "apikey")
    assert json.loads(juju.cli("secrets", "--format", "json").stdout) == {}
    res = juju.cli("show-secret", "apikey", check=False)
    assert res.returncode != 0 and "not found" in res.stderr


def storage_charm(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "metadata.yaml").write_text(textwrap.dedent("""\
        name: stash
        summary: s
        description: d
        storage:
          data:
            type: filesystem
            location: /srv/data
          logs:
            type: filesystem
            multiple:
              range: 0-4
        """))
    body = textwrap.dedent("""\
        #!/bin/bash
        echo "$JUJU_HOOK_NAME $JUJU_STORAGE_ID" >> "$JUJU_CHARM_DIR/hooks.log"
        if [ -n "$JUJU_STORAGE_ID" ] && [ "$JUJU_HOOK_NAME" != "${JUJU_STORAGE_ID%/*}-storage-detaching" ]; then
            touch "$JUJU_STORAGE_LOCATION/written-by-hook"
            storage-get -s "$JUJU_STORAGE_ID" location > "$JUJU_CHARM_DIR/loc-${JUJU_STORAGE_ID/\\//-}"
        fi
        storage-list --format=json > "$JUJU_CHARM_DIR/storage.json"
        """)
    write_hooks(root, body, ["install", "start", "data-storage-attached", "logs-storage-attached",
                             "data-storage-detaching", "logs-storage-detaching", "stop", "remove"])
    return root


def test_storage_at_deploy_and_added_later(juju: Juju, tmp_path: Path) -> None:
    juju.cli("deploy", str(storage_charm(tmp_path / "stash")), "--storage", "logs=2")
    juju.wait_idle(["stash"])
    hooks = juju.charm_file("stash/0", "hooks.log").read_text().splitlines()
    assert hooks.index("install ") > max(hooks.index("data-storage-attached data/0"),
                                         hooks.index("logs-storage-attached logs/0"),
                                         hooks.index("logs-storage-attached logs/1"))
    loc = Path(juju.charm_file("stash/0", "loc-data-0").read_text().strip())
    assert (loc / "written-by-hook").exists()
    st = juju.status()
    assert set(st["storage"]["storage"]) == {"data/0", "logs/0", "logs/1"}
    assert st["storage"]["storage"]["data/0"]["attachments"]["units"]["stash/0"]["location"] == str(loc)
    juju.cli("add-storage", "stash/0", "logs=1")
    juju.wait(lambda s: "logs/2" in s["storage"]["storage"]
              and s["storage"]["storage"]["logs/2"]["status"]["current"] == "attached", what="logs/2 attached")
    juju.wait_idle(["stash"])
    assert "logs-storage-attached logs/2" in juju.charm_file("stash/0", "hooks.log").read_text()
    # The storage-add hook tool (here from exec, which runs in a hook context) works too.
    juju.cli("exec", "--unit", "stash/0", "--", "storage-add logs")
    juju.wait(lambda s: "logs/3" in s["storage"]["storage"], what="logs/3 from storage-add")
    juju.wait_idle(["stash"])
    assert json.loads(juju.charm_file("stash/0", "storage.json").read_text()) == [
        "data/0", "logs/0", "logs/1", "logs/2", "logs/3"]
    log = juju.charm_file("stash/0", "hooks.log")
    kept = open(log)  # the unit's directory goes with it; an open file stays readable
    juju.cli("remove-unit", "stash/0")
    juju.wait(lambda s: not s["applications"]["stash"].get("units"), what="stash/0 to go")
    lines = kept.read().splitlines()
    detaching = [ln for ln in lines if "storage-detaching" in ln]
    assert len(detaching) == 5 and lines.index(detaching[-1]) < lines.index("stop ")


def resource_charm(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "metadata.yaml").write_text(textwrap.dedent("""\
        name: fetcher
        summary: s
        description: d
        resources:
          payload:
            type: file
            filename: payload.tar.gz
            description: the thing to serve
        """))
    body = '#!/bin/bash\necho "$JUJU_HOOK_NAME" >> "$JUJU_CHARM_DIR/hooks.log"\n'
    write_hooks(root, body, ["install", "upgrade-charm", "config-changed"])
    return root


def test_file_resource_given_read_and_replaced(juju: Juju, tmp_path: Path) -> None:
    first, second = tmp_path / "first.tar.gz", tmp_path / "second.tar.gz"
    first.write_bytes(b"first payload\n")
    second.write_bytes(b"second payload\n")
    juju.cli("deploy", str(resource_charm(tmp_path / "fetcher")), "--resource", f"payload={first}")
    juju.wait_idle(["fetcher"])
    res = json.loads(juju.cli("exec", "--format", "json", "--unit", "fetcher/0", "--", "resource-get payload").stdout)
    path = res["fetcher/0"]["results"]["stdout"]
    assert path.endswith("/payload.tar.gz") and not path.endswith("\n")  # file name kept, no newline
    assert Path(path).read_bytes() == b"first payload\n"
    table = json.loads(juju.cli("resources", "fetcher", "--format", "json").stdout)
    assert table["resources"][0]["revision"] == 1
    log = juju.charm_file("fetcher/0", "hooks.log")
    before = log.read_text().splitlines()
    juju.cli("attach-resource", "fetcher", f"payload={second}")
    juju.wait(lambda s: log.read_text().splitlines()[len(before):][:2] == ["upgrade-charm", "config-changed"],
              what="upgrade-charm after the new resource")
    res = json.loads(juju.cli("exec", "--format", "json", "--unit", "fetcher/0", "--", "resource-get payload").stdout)
    assert Path(res["fetcher/0"]["results"]["stdout"]).read_bytes() == b"second payload\n"
    assert json.loads(juju.cli("resources", "fetcher", "--format", "json").stdout)["resources"][0]["revision"] == 2
    # refresh --resource: the same, as part of a refresh (jubilant's refresh(resources=...))
    third = tmp_path / "third.tar.gz"
    third.write_bytes(b"third payload\n")
    juju.cli("refresh", "fetcher", "--resource", f"payload={third}")
    juju.wait(lambda s: json.loads(juju.cli("resources", "fetcher", "--format", "json").stdout)
              ["resources"][0]["revision"] == 3, what="resource revision 3")
    juju.wait_idle(["fetcher"])
    res = json.loads(juju.cli("exec", "--format", "json", "--unit", "fetcher/0", "--", "resource-get payload").stdout)
    assert Path(res["fetcher/0"]["results"]["stdout"]).read_bytes() == b"third payload\n"
    res = juju.cli("deploy", str(tmp_path / "fetcher"), "other", "--resource", f"nope={first}", check=False)
    assert res.returncode != 0 and "no resource" in res.stderr
