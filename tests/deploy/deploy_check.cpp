// deploy_check.cpp - deploy_check.c compiled as C++17 (-pedantic -Wall -Wextra -Werror):
// the exported header must compile, and run, as C++ too.
#include "deploy_check.c"
