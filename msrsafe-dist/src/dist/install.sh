#!/bin/sh
# install.sh: installs this msrsafe distribution under a prefix.
#
#   ./install.sh [--prefix PREFIX]      (default PREFIX: /usr/local)
#
# PREFIX/lib/msrsafe        the distribution (runtime, jars, allowlists, start-up cache)
# PREFIX/bin/msrsafe        a link to PREFIX/lib/msrsafe/bin/msrsafe
# PREFIX/share/man/man1     the man pages
# PREFIX/share/bash-completion/completions/msrsafe, PREFIX/share/zsh/site-functions/_msrsafe
#
# DESTDIR, if set, is put before every path (for building packages). Files keep
# their times (the start-up cache checks them). Running it again replaces the
# installed version. Needs no network and no Java on the machine.
set -eu

# What was wrong, then how to call it: one line on stderr, status 2.
usage() { echo "install.sh: $1; usage: $0 [--prefix PREFIX] (--help says more)" >&2; exit 2; }

prefix=/usr/local
while [ $# -gt 0 ]; do
    case $1 in
        --prefix) [ $# -ge 2 ] || usage "--prefix needs a directory, e.g. --prefix /usr/local"; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) usage "unknown argument '$1'" ;;
    esac
done
case $prefix in
    /*) ;;
    *) echo "install.sh: the prefix must be an absolute path: $prefix" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root="${DESTDIR:-}$prefix"
home="$root/lib/msrsafe"

mkdir -p "$root/bin" "$root/lib" "$root/share/man/man1" "$root/share/bash-completion/completions" \
    "$root/share/zsh/site-functions"
# A fresh copy beside the old one, then swapped in, so a failed copy leaves the old one working.
rm -rf "$home.new"
mkdir "$home.new"
(cd "$here" && tar -cf - bin runtime lib allowlists share/doc) | (cd "$home.new" && tar -xpf -)
rm -rf "$home.old"
[ ! -e "$home" ] || mv "$home" "$home.old"
mv "$home.new" "$home"
rm -rf "$home.old"

ln -sf ../lib/msrsafe/bin/msrsafe "$root/bin/msrsafe"
cp -p "$here"/share/man/man1/*.1 "$root/share/man/man1/"
cp -p "$here/share/bash-completion/completions/msrsafe" "$root/share/bash-completion/completions/msrsafe"
cp -p "$here/share/zsh/site-functions/_msrsafe" "$root/share/zsh/site-functions/_msrsafe"
echo "installed msrsafe in $home; the command is $prefix/bin/msrsafe"
if [ -z "${DESTDIR:-}" ]; then
    case ":${PATH:-}:" in
        *":$prefix/bin:"*) ;;
        *) echo "note: $prefix/bin is not on this shell's PATH: add it, or run $prefix/bin/msrsafe" ;;
    esac
fi
