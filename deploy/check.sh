#!/usr/bin/env bash
# Checks the files of deploy/ as far as this machine allows, without a container engine
# or a cluster: nginx -t on both nginx configurations, systemd-analyze verify on the unit,
# and every YAML file parsed (plus the kustomization rendered, when kubectl is there).
# Run from anywhere: bash deploy/check.sh. Prints one line per check; exits non-zero on
# the first failure. Checks whose tool is missing are reported as skipped.
set -euo pipefail
deploy="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

skip() { echo "skipped: $1"; }
ok() { echo "ok: $1"; }

# nginx: each conf.d file inside a minimal main configuration under a private prefix.
# The compose file's upstream host "relay" only resolves inside compose: use 127.0.0.1.
check_nginx() {
    local name="$1" conf="$2"
    local prefix="$work/nginx-$name"
    mkdir -p "$prefix/logs" "$prefix/conf"
    sed 's/server relay:8000/server 127.0.0.1:8000/' "$conf" > "$prefix/conf/site.conf"
    cat > "$prefix/conf/nginx.conf" <<NGINX
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $prefix/client_body;
    proxy_temp_path $prefix/proxy;
    fastcgi_temp_path $prefix/fastcgi;
    uwsgi_temp_path $prefix/uwsgi;
    scgi_temp_path $prefix/scgi;
    include $prefix/conf/site.conf;
}
NGINX
    nginx -t -q -p "$prefix" -c "$prefix/conf/nginx.conf"
    ok "nginx -t $conf"
}
if command -v nginx >/dev/null; then
    check_nginx host "$deploy/nginx/rohrpost-relay.conf"
    check_nginx compose "$deploy/compose/nginx.conf"
else
    skip "nginx -t (apt-get install nginx)"
fi

# systemd: verify an instance of the template, with ExecStart pointing at an executable
# that exists here (the unit names /usr/local/bin/rohrpost-relay, the installed path).
if command -v systemd-analyze >/dev/null; then
    binary="$(command -v rohrpost-relay || true)"
    [ -n "$binary" ] || binary="$(cd "$deploy/.." && pwd)/.build/debug/rohrpost-relay"
    [ -x "$binary" ] || binary=/bin/true
    units="$work/units"
    mkdir -p "$units"
    sed "s|/usr/local/bin/rohrpost-relay|$binary|" "$deploy/systemd/rohrpost-relay@.service" > "$units/rohrpost-relay@.service"
    ln -s "rohrpost-relay@.service" "$units/rohrpost-relay@8001.service"
    output="$(cd "$units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$units/rohrpost-relay@8001.service" 2>&1 || true)"
    # Lines about other units of this machine, or the user that is made on install, are not ours.
    ours="$(printf '%s\n' "$output" | grep -F 'rohrpost-relay' | grep -v -e 'Failed to resolve user' -e "user 'rohrpost'" || true)"
    if [ -n "$ours" ]; then
        printf '%s\n' "$ours"
        exit 1
    fi
    ok "systemd-analyze verify rohrpost-relay@8001.service"
else
    skip "systemd-analyze verify (no systemd here)"
fi

# YAML: every file parses; the manifests have the kinds and probes the README promises.
python3 - "$deploy" <<'PYTHON'
import pathlib, sys, yaml
deploy = pathlib.Path(sys.argv[1])
kinds = {}
for path in sorted(deploy.rglob("*.yaml")):
    documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert documents, f"{path}: empty"
    for document in documents:
        if "kind" in document:
            kinds[document["kind"]] = document
    print(f"ok: yaml {path.relative_to(deploy.parent)}")
for kind in ["Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Job", "Kustomization"]:
    assert kind in kinds, f"no {kind} in deploy/kubernetes"
container = kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]
assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
assert container["resources"]["requests"]
# serve refuses to start without a JWT key: every deployment must hand it one.
environment = {e["name"]: e for e in container["env"]}
mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
assert environment["ROHRPOST_JWT_SECRET_FILE"]["value"].startswith(mounts["jwt"] + "/")
secret = next(d for d in yaml.safe_load_all((deploy / "kubernetes" / "secret.example.yaml").read_text()))
assert {"DATABASE_URL", "jwt-secret"} <= set(secret["stringData"])
assert "ROHRPOST_JWT_SECRET_FILE=" in (deploy / "systemd" / "relay.env.example").read_text()
compose = yaml.safe_load((deploy / "compose" / "compose.yaml").read_text())
assert "ROHRPOST_JWT_SECRET" in compose["services"]["relay"]["environment"]
assert {"postgres", "migrate", "relay", "nginx"} <= set(compose["services"])
assert compose["services"]["relay"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
# Behind a proxy, the relay trusts it (and only it) to name the client.
assert environment["ROHRPOST_TRUSTED_PROXIES"]["value"]
assert "ROHRPOST_TRUSTED_PROXIES=127.0.0.1" in (deploy / "systemd" / "relay.env.example").read_text()
nginx_address = compose["services"]["nginx"]["networks"]["default"]["ipv4_address"]
assert compose["services"]["relay"]["environment"]["ROHRPOST_TRUSTED_PROXIES"] == nginx_address
for conf in ["nginx/rohrpost-relay.conf", "compose/nginx.conf"]:
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in (deploy / conf).read_text(), conf
print("ok: every deployment trusts its proxy's X-Forwarded-For (compose: nginx's fixed address only)")
print("ok: manifests have Deployment (probes, requests, JWT secret file), Service, PDB, HPA, migrate Job; compose has postgres, migrate, relay (JWT secret), nginx; relay.env sets the JWT secret file")
PYTHON

if command -v kubectl >/dev/null && kubectl kustomize "$deploy/kubernetes" > "$work/rendered.yaml" 2>"$work/kustomize.err"; then
    python3 -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$work/rendered.yaml"
    ok "kubectl kustomize deploy/kubernetes"
else
    skip "kubectl kustomize (no kubectl)"
fi
