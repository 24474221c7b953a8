// One trampoline per FFmpeg function ov2ha calls (ffmpeg_functions.inc): a
// jump through a slot that load_ffmpeg_libraries() points at the function in
// FFmpeg's library. Until then the slot leads to a stub that names the function
// and stops (ov2ha_ffmpeg_function_not_loaded). A jump, not a call: arguments,
// return address and stack stay exactly as the caller left them, so one
// trampoline serves every signature, variadic ones included.
// Everything here is hidden: FFmpeg's own libraries must never bind to these.

#if defined(__x86_64__)

#define OV2HA_FFMPEG_FUNCTION(library, name)                                        \
    .text;                                                                          \
    .p2align 4;                                                                     \
    .globl name;                                                                    \
    .hidden name;                                                                   \
    .type name, @function;                                                          \
    name: jmp *ov2ha_ffmpeg_slot_##name(%rip);                                      \
    .size name, .-name;                                                             \
    .p2align 4;                                                                     \
    .type ov2ha_ffmpeg_unloaded_##name, @function;                                  \
    ov2ha_ffmpeg_unloaded_##name: leaq ov2ha_ffmpeg_name_##name(%rip), %rdi;        \
    jmp ov2ha_ffmpeg_function_not_loaded;                                           \
    .size ov2ha_ffmpeg_unloaded_##name, .-ov2ha_ffmpeg_unloaded_##name;             \
    .data;                                                                          \
    .p2align 3;                                                                     \
    .globl ov2ha_ffmpeg_slot_##name;                                                \
    .hidden ov2ha_ffmpeg_slot_##name;                                               \
    .type ov2ha_ffmpeg_slot_##name, @object;                                        \
    .size ov2ha_ffmpeg_slot_##name, 8;                                              \
    ov2ha_ffmpeg_slot_##name: .quad ov2ha_ffmpeg_unloaded_##name;                   \
    .section .rodata;                                                               \
    ov2ha_ffmpeg_name_##name: .asciz #name;

#include "core/media/ffmpeg_functions.inc"

#else
#error "no FFmpeg trampoline for this CPU: configure with -DOV2HA_LOAD_FFMPEG_AT_RUNTIME=OFF"
#endif

// The stack needs no execute permission.
.section .note.GNU-stack, "", @progbits
