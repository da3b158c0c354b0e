#!/usr/bin/env bash
# Builds the root file system of Sluice's container image into directory $1, from this machine:
# a Java runtime cut down by jlink from the JDK running the build (it needs its jmods/, as Debian's
# openjdk-17-jdk-headless has), the shared libraries that runtime and bash load (found with ldd),
# bash and the two coreutils bin/sluice runs (env, dirname), and the files of src/rootfs (passwd,
# group, nsswitch.conf). Jib then adds it, with the distribution, as layers on `scratch`: no base
# image is pulled, so this works without a registry (docs/operations.md says why).
# Usage: rootfs.sh OUT_DIR [JAVA_HOME]
set -euo pipefail
out=$1
jdk=${2:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The JDK modules Sluice and its libraries use (jdeps over lib/*.jar), plus what jdeps cannot see:
# the EC and DNS providers loaded by name, zipfs, and jcmd for thread dumps in a running container.
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl
modules=$modules,java.sql,java.xml,jdk.httpserver,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns
modules=$modules,jdk.zipfs,jdk.jcmd

if [[ ! -d $jdk/jmods ]]; then
  echo "Error: $jdk has no jmods/ to jlink a runtime from; install a full JDK (openjdk-17-jdk-headless) or pass its JAVA_HOME" >&2
  exit 1
fi
for tool in ldd readelf; do
  command -v "$tool" >/dev/null || { echo "Error: $tool is needed to build the image's root file system" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out"/{bin,usr/bin,lib64,lib/x86_64-linux-gnu,etc,tmp,var/lib/sluice}
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" --strip-debug --no-man-pages \
  --no-header-files --output "$out/opt/java"

cp -L /bin/bash "$out/bin/bash"
cp -L /usr/bin/env /usr/bin/dirname "$out/usr/bin/"
# Every library the runtime's and the tools' ELF files need (ldd lists them transitively), plus the
# ones JNI libraries that Netty, zstd-jni, snappy and lz4 unpack at run time may link against.
libs=$( { find "$out/opt/java" "$out/bin" "$out/usr/bin" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
  | xargs -0 ldd 2>/dev/null | awk -v out="$out/" '$2 == "=>" && $3 ~ /^\// && index($3, out) != 1 {print $3}'
  for l in libstdc++.so.6 libgcc_s.so.1 libdl.so.2 libpthread.so.0 librt.so.1 libm.so.6 libz.so.1; do
    echo "/lib/x86_64-linux-gnu/$l"
  done; } | sort -u)
for lib in $libs; do
  cp -L "$lib" "$out/lib/x86_64-linux-gnu/"
done
interp=$(readelf -l /bin/bash | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
cp -L "$interp" "$out$interp"
cp -r "$here/src/rootfs/." "$out/"
echo "Root file system in $out: $(du -sh "$out" | cut -f1), runtime modules $modules"
