/* consumer.c - a program built against an installed sfl (find_package or pkg-config). */
#include <sfl/sfl.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    const char *v = sfl_version_string();
    if (strcmp(v, SFL_VERSION_STRING) != 0 || sfl_version() != SFL_VERSION_NUMBER) {
        fprintf(stderr, "version mismatch: header %s, library %s\n", SFL_VERSION_STRING, v);
        return 1;
    }
    if (strcmp(sfl_status_string(SFL_OK), sfl_status_string((sfl_status)12345)) == 0) {
        fprintf(stderr, "status strings: SFL_OK reads as an unknown status\n");
        return 1;
    }
    printf("sfl %s (%s): %s\n", v, sfl_simd_arch(), sfl_status_string(SFL_ERR_NULL_ARG));
    return 0;
}
