#!/bin/sh
# run.sh - make run: starts okserver on a free port and opens okclient on it.
echo "make run: okserver and okclient are not built yet; 'make test' exercises the library." >&2
exit 1
