# cmake -DRUNNER=<run_qemu.sh> -DBOARD=<board> -DELF=<demo.elf> -DIMAGES=.. -DLABELS=.. -DCOUNT=<n>
#       -DOUT=<predictions.txt> -DREFERENCE=<the PC's predictions.txt> -P demo_test.cmake
#
# The test board.demo: runs the firmware demo (apps/firmware-demo/main.c) on the board on
# the first COUNT MNIST test digits, then checks its prediction for every one of them
# equals the PC's (written by apps/firmware-demo/run.sh). Fails on a non-zero exit, a
# timeout, or any differing prediction (the first few are listed).
file(REMOVE ${OUT})
execute_process(COMMAND ${RUNNER} ${BOARD} ${ELF} ${IMAGES} ${LABELS} ${COUNT} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the demo exited with status ${rc}")
endif()
file(STRINGS ${OUT} device)
file(STRINGS ${REFERENCE} pc)
list(LENGTH device n)
list(LENGTH pc n_pc)
if(NOT n EQUAL COUNT OR n_pc LESS n)
  message(FATAL_ERROR "${n} predictions from the board (${COUNT} expected), ${n_pc} from the PC")
endif()
set(differ 0)
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  list(GET device ${i} d)
  list(GET pc ${i} p)
  if(NOT d STREQUAL p)
    math(EXPR differ "${differ} + 1")
    if(differ LESS 6)
      message("digit ${i}: board ${d}, PC ${p}")
    endif()
  endif()
endforeach()
if(differ GREATER 0)
  message(FATAL_ERROR "${differ} of ${n} predictions differ from the PC's (${REFERENCE})")
endif()
message("board.demo: all ${n} predictions equal the PC's (${REFERENCE})")
