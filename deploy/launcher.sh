# Sourced (not run) by ./sluice and ./sluice-jepsen at the top of the checkout, with $root set to
# it: finding, checking and building what they run. Everything here must work on a fresh clone
# where nothing is built yet, under `set -euo pipefail`: an unmatched glob or a failing command in a
# substitution would end the script silently (issue 13), so lookups test files and return 0.
# shellcheck source=src/main/dist/bin/java-check.sh
source "$root/deploy/src/main/dist/bin/java-check.sh"

# The distribution directory built by the deploy module, or nothing.
sluice_dist() {
  local d
  for d in "$root"/deploy/target/sluice-*/sluice-*/; do
    if [[ -x ${d}bin/sluice ]]; then
      echo "${d%/}"
      return 0
    fi
  done
  return 0
}

# True when a source file (Java, proto, pom, anything under src/main) is newer than file $1.
sluice_sources_changed() {
  local newer
  newer=$(find "$root" \( -path "$root/*/target" -o -path "$root/data" -o -path "$root/.git" \
      -o -path "$root/jepsen-tests/store" \) -prune -o \
      \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' -o -path '*/src/main/*' \) -type f \
      -newer "$1" -print -quit 2>/dev/null || true)
  [[ -n $newer ]]
}

# Builds modules $1 (and what they need) without tests, saying so first; $2 names what for the user.
sluice_build() {
  local modules=$1 what=$2
  sluice_find_java jdk
  echo "Building $what (./mvnw package -pl $modules -am); this takes a few minutes the first time..." >&2
  if ! (cd "$root" && ./mvnw -q -B -ntp -DskipTests package -pl "$modules" -am >&2); then
    echo "Error: the build failed (output above); run 'cd $root && ./mvnw -DskipTests package -pl $modules -am' to see why" >&2
    exit 1
  fi
}

# Builds modules $1 when their outputs are missing ($4 is not "present") or a source file is newer
# than marker file $2, the time of this script's last build; $3 names the outputs for the user.
# Outputs that Maven built directly are taken as current the first time they are seen.
sluice_ensure_built() {
  local modules=$1 marker=$2 what=$3 present=$4 lock before
  # Launchers started at the same moment (three brokers in three terminals) build once: the others wait
  # for the lock, and a marker touched while they waited means the build they need is done.
  if command -v flock >/dev/null 2>&1; then
    mkdir -p "$(dirname "$marker")"
    before=$(stat -c %y "$marker" 2>/dev/null || true)
    exec {lock}>"$marker.lock"
    flock "$lock"
    if [[ -f $marker && $(stat -c %y "$marker" 2>/dev/null) != "$before" ]]; then
      exec {lock}>&-
      return
    fi
  fi
  sluice_build_if_needed "$modules" "$marker" "$what" "$present"
  [[ -z $lock ]] || exec {lock}>&-
}

sluice_build_if_needed() {
  local modules=$1 marker=$2 what=$3 present=$4
  if [[ $present == present && ! -f $marker ]]; then
    touch "$marker"
  elif [[ $present != present ]]; then
    sluice_build "$modules" "$what"
    touch "$marker"
  elif sluice_sources_changed "$marker"; then
    sluice_build "$modules" "$what again (sources changed)"
    touch "$marker"
  fi
}

# Stops with one line when the build left no outputs ($1 empty), naming the modules $2.
sluice_require_built() {
  if [[ -z $1 ]]; then
    echo "Error: the build ended without its outputs under $root; run 'cd $root && ./mvnw -DskipTests package -pl $2 -am' to see why" >&2
    exit 1
  fi
}
