#include "core/media/ffmpeg_libraries.hpp"

#ifdef OV2HA_LOAD_FFMPEG_AT_RUNTIME

#include <dlfcn.h>

extern "C" {
#include <libavcodec/version.h>
#include <libavdevice/version.h>
#include <libavfilter/version.h>
#include <libavformat/version.h>
#include <libavutil/version.h>
#include <libswscale/version.h>
}

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

// The slots live in ffmpeg_trampolines.S; each starts out pointing at a stub
// that reports the function by name.
#define OV2HA_FFMPEG_FUNCTION(library, name)                                                       \
    extern "C" __attribute__((visibility("hidden"))) void* ov2ha_ffmpeg_slot_##name;
#include "core/media/ffmpeg_functions.inc"
#undef OV2HA_FFMPEG_FUNCTION

// Where every not-yet-loaded trampoline lands: a command that uses media but
// did not ask for it (CommandSpec::uses_media). A programming error, so it
// stops at once rather than running on with a null function.
extern "C" __attribute__((visibility("hidden"), noreturn)) void
ov2ha_ffmpeg_function_not_loaded(const char* function_name) {
    std::fprintf(stderr,
                 "ov2ha: internal error: FFmpeg's %s was called before the FFmpeg libraries "
                 "were loaded (media::load_ffmpeg_libraries)\n",
                 function_name);
    std::abort();
}

namespace ov2ha::media {
namespace {

constexpr std::array k_libraries{
    // Dependencies first, so a missing base library is the one reported.
    FfmpegLibrary{"avutil", LIBAVUTIL_VERSION_MAJOR},
    FfmpegLibrary{"swscale", LIBSWSCALE_VERSION_MAJOR},
    FfmpegLibrary{"avcodec", LIBAVCODEC_VERSION_MAJOR},
    FfmpegLibrary{"avformat", LIBAVFORMAT_VERSION_MAJOR},
    FfmpegLibrary{"avfilter", LIBAVFILTER_VERSION_MAJOR},
    FfmpegLibrary{"avdevice", LIBAVDEVICE_VERSION_MAJOR},
};

struct FfmpegFunction {
    std::string_view library;
    const char* name;
    void** slot;
};

constexpr FfmpegFunction k_functions[] = {
#define OV2HA_FFMPEG_FUNCTION(library, name) {#library, #name, &ov2ha_ffmpeg_slot_##name},
#include "core/media/ffmpeg_functions.inc"
#undef OV2HA_FFMPEG_FUNCTION
};

std::string soname_of(const FfmpegLibrary& library) {
    return "lib" + std::string(library.name) + ".so." + std::to_string(library.major_version);
}

// Debian names the package after the soname: libavcodec.so.59 is in libavcodec59.
std::string package_of(const FfmpegLibrary& library) {
    return "lib" + std::string(library.name) + std::to_string(library.major_version);
}

void close_each(std::span<void* const> handles) {
    for (void* handle : handles) {
        dlclose(handle);
    }
}

using Handles = std::vector<void*>;

// Opens each library in order; on a failure closes what it opened and names the
// library, the loader's reason and the package that has it.
Result<Handles> open_each(std::span<const FfmpegLibrary> libraries) {
    Handles handles;
    for (const auto& library : libraries) {
        const std::string soname = soname_of(library);
        void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            // Copied before dlclose: the loader frees its message on the next call.
            const char* message = dlerror();
            const std::string reason = message != nullptr ? message : "no reason given";
            close_each(handles);
            return failure("cannot load FFmpeg's " + soname + " (" + reason +
                           "); recording and joining need it: install it with `apt install " +
                           package_of(library) + "`");
        }
        handles.push_back(handle);
    }
    return handles;
}

void* handle_of(const Handles& handles, std::string_view library) {
    for (std::size_t index = 0; index < k_libraries.size(); ++index) {
        if (k_libraries[index].name == library) {
            return handles[index];
        }
    }
    return nullptr;
}

Status load_once() {
    // The handles stay open for the life of the process: the functions behind
    // the trampolines are in use until exit, and unloading FFmpeg is never safe
    // while its threads or callbacks may run.
    static Result<Handles> handles = open_each(k_libraries);
    if (!handles) {
        return handles.error();
    }
    std::vector<void*> addresses;
    addresses.reserve(std::size(k_functions));
    for (const auto& function : k_functions) {
        void* address = dlsym(handle_of(*handles, function.library), function.name);
        if (address == nullptr) {
            return failure("FFmpeg's lib" + std::string(function.library) + " has no function " +
                           function.name + ": ov2ha was built against FFmpeg " +
                           AV_STRINGIFY(LIBAVFORMAT_VERSION) +
                           " (libavformat); install the FFmpeg libraries of that release");
        }
        addresses.push_back(address);
    }
    // All or nothing: no function points into FFmpeg unless every one does.
    for (std::size_t index = 0; index < addresses.size(); ++index) {
        *k_functions[index].slot = addresses[index];
    }
    return success();
}

} // namespace

Status check_libraries_load(std::span<const FfmpegLibrary> libraries) {
    auto handles = open_each(libraries);
    if (!handles) {
        return handles.error();
    }
    close_each(*handles);
    return success();
}

Status load_ffmpeg_libraries() {
    // C++ runs this once even when called from several threads at a time.
    static const Status loaded = load_once();
    return loaded;
}

} // namespace ov2ha::media

#else // FFmpeg linked at build time (static builds, CPUs without a trampoline)

namespace ov2ha::media {

Status check_libraries_load(std::span<const FfmpegLibrary>) {
    return success();
}

Status load_ffmpeg_libraries() {
    return success();
}

} // namespace ov2ha::media

#endif
