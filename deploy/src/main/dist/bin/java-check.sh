# Sourced (not run) by bin/sluice and by the checkout's ./sluice and ./sluice-jepsen, so that the
# three agree on which JVM runs Sluice and all stop with one line saying what to do when there is
# none, or it is too old, instead of a bare "java: command not found" or a class-version error.
# sluice_find_java sets $java; "sluice_find_java jdk" also requires javac, because building needs a
# JDK and a JRE alone would fail deep inside Maven.
sluice_min_java=17

sluice_find_java() {
  local out major javac
  if [[ -n ${JAVA_HOME:-} ]]; then
    java=$JAVA_HOME/bin/java
    if [[ ! -x $java ]]; then
      echo "Error: JAVA_HOME is '$JAVA_HOME' but it has no bin/java; point JAVA_HOME at a JDK $sluice_min_java or newer, or unset it" >&2
      exit 1
    fi
  else
    java=$(command -v java || true)
    if [[ -z $java ]]; then
      echo "Error: no Java found; install a JDK $sluice_min_java or newer (e.g. apt-get install openjdk-17-jdk-headless) or set JAVA_HOME" >&2
      exit 1
    fi
  fi
  out=$("$java" -version 2>&1 || true)
  if [[ ! $out =~ version\ \"([0-9]+)(\.([0-9]+))? ]]; then
    echo "Error: '$java -version' does not say which Java it is; install a JDK $sluice_min_java or newer, or set JAVA_HOME to one" >&2
    exit 1
  fi
  major=${BASH_REMATCH[1]}
  if [[ $major == 1 ]]; then
    major=${BASH_REMATCH[3]} # 1.8 and older number themselves 1.x
  fi
  if (( major < sluice_min_java )); then
    echo "Error: $java is Java $major but Sluice needs Java $sluice_min_java or newer; install a newer JDK and set JAVA_HOME to it" >&2
    exit 1
  fi
  if [[ ${1:-} == jdk ]]; then
    javac=$(dirname "$(readlink -f "$java")")/javac
    if [[ ! -x $javac ]]; then
      echo "Error: $java has no javac next to it (a JRE); building Sluice needs a JDK $sluice_min_java or newer: install one (e.g. openjdk-17-jdk-headless) or set JAVA_HOME to it" >&2
      exit 1
    fi
  fi
}
