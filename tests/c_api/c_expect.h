/* c_expect.h - the check macro of the plain C test programs (tests/c_api, the device tests
 * of apps/board-mps2): EXPECT(cond) prints the failed condition with its place and counts
 * it in `failures`, which the program turns into its exit status. One translation unit
 * per program: the counter is static. */
#ifndef SFL_C_EXPECT_H
#define SFL_C_EXPECT_H

#include <stdio.h>

static int failures = 0;
#define EXPECT(cond)                                                                  \
    do {                                                                              \
        if (!(cond)) {                                                                \
            printf("%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);                   \
            ++failures;                                                               \
        }                                                                             \
    } while (0)

#endif
