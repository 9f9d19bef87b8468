#include "vapidiag/cli.hpp"

int main(int argc, char** argv) { return vapidiag::main_with_args(argc, argv); }
