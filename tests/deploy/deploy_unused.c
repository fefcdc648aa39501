/* deploy_unused.c - both exported headers in one translation unit, nothing of them
 * used: they must coexist (distinct names and guards) and compile without warnings
 * under -std=c99 -pedantic -Wall -Wextra -Werror (unused arrays, model and macros). */
#include "deploy_net.h"
#include "deploy_np.h"
#include "deploy_net.h" /* the include guard */
