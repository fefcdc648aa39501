/* zero_heap_fw.c - apps/firmware-cortex-m/main.c with its main() renamed sfl_fw_main,
 * for zero_heap.c to call between its heap counts. */
int sfl_fw_main(void);
#define main sfl_fw_main
#include "../firmware-cortex-m/main.c"
