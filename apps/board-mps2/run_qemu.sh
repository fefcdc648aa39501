#!/bin/sh
# run_qemu.sh BOARD ELF [ARG...] - run a device program on an emulated MPS2 board and
# exit with its status (the ctest launcher of the board presets; docs/embedded.md).
#
# qemu-system-arm loads ELF, semihosting (target=native) gives the program the host's
# stdout, files and the arguments (arg=...), and qemu exits with the status the program
# passed to exit(). -icount shift=0: one instruction per ns of virtual time, so SysTick
# counts emulated instructions (board.h) and every run is deterministic.
# SFL_BOARD_TIMEOUT (seconds, default 600): a hung program fails with status 124.
set -eu
[ $# -ge 2 ] || { echo "usage: run_qemu.sh BOARD ELF [ARG...]" >&2; exit 2; }
board=$1
elf=$2
shift 2
# qemu's option syntax doubles commas; startup.c splits the command line at spaces.
semi="enable=on,target=native,arg=$(basename "$elf")"
for a in "$@"; do
  case $a in *" "*) echo "run_qemu.sh: arguments cannot hold spaces: '$a'" >&2; exit 2 ;; esac
  semi="$semi,arg=$(printf '%s' "$a" | sed 's/,/,,/g')"
done
exec timeout "${SFL_BOARD_TIMEOUT:-600}" qemu-system-arm -M "$board" -display none -monitor none \
  -serial null -icount shift=0 -semihosting-config "$semi" -kernel "$elf"
