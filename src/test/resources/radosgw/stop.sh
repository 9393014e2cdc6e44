#!/usr/bin/env bash
# Stops what start.sh started in DIR (by the pid files of its daemons) and removes DIR.
DIR=$1
for f in "$DIR"/run/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
for _ in $(seq 1 50); do
  alive=0
  for f in "$DIR"/run/*.pid; do [ -f "$f" ] && kill -0 "$(cat "$f" 2>/dev/null)" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break
  sleep 0.2
done
for f in "$DIR"/run/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
rm -rf "$DIR"
