// The one translation unit that compiles Debian's stb_image (PNG reading, MNIST-img
// backgrounds) and stb_image_write (the PNG montage). Headers from libstb-dev.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#include <stb/stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
