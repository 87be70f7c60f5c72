# Sourced by scripts/bootstrap. Prints, space separated, the given Debian packages that this machine's
# package sources do not carry (no install candidate).
# The policy is read whole before it is searched: `apt-cache policy | grep -q` under pipefail fails with
# SIGPIPE (141) whenever grep stops at the first match, which made every package look unavailable.
unavailable_packages() {
  local pkg policy unavailable=()
  for pkg in "$@"; do
    policy=$(apt-cache policy "$pkg" 2>/dev/null || true)
    [[ $policy =~ Candidate:\ [^\(] ]] || unavailable+=("$pkg")
  done
  echo "${unavailable[*]}"
}
