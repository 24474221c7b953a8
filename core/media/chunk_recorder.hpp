// Capture -> encode -> chunk files, in-process with the FFmpeg libraries: the
// replacement for OpenVidu's recording ffmpeg, writing numbered fragmented MP4s.
#pragma once

#include "core/base/result.hpp"
#include "core/base/validators.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace ov2ha::media {

class CaptureClock;

// How the captured media is encoded; the defaults are OpenVidu's ffmpeg flags.
struct EncoderSettings {
    std::string video_codec = "libx264";
    std::string preset = "ultrafast";
    int crf = 28;
    std::string pixel_format = "yuv420p";
    std::string audio_codec = "aac";
    int audio_bitrate = 128000;
    int audio_sample_rate = 48000;
};

// What to capture and where the chunks go.
struct CaptureSettings {
    // FORMAT:SPEC, e.g. {"x11grab", ":99.0"}, {"lavfi", "testsrc2=size=1280x720:rate=25"},
    // {"file", "/path/video.mp4"}.
    MediaInput video;
    // nullopt: video only. e.g. {"pulse", "default"}, {"lavfi", "sine=frequency=440"}.
    std::optional<MediaInput> audio;
    Resolution resolution; // output size (x11grab also captures at this size)
    int framerate = 25;
    EncoderSettings encoder;
    int chunk_seconds = 10;
    std::string chunk_folder; // exists already
    std::uint64_t first_chunk_number = 1;
};

// One chunk file. On chunk_opened, media_seconds is where the chunk starts on
// the recording's timeline (seconds since the recording started); on
// chunk_closed, it is how many seconds of media the chunk holds.
struct ChunkEvent {
    std::uint64_t number = 0;
    std::string path;
    double media_seconds = 0;
};

// All called on the capture thread; keep them short and do not throw.
struct CaptureCallbacks {
    // After the chunk's header is on disk.
    std::function<void(const ChunkEvent&)> chunk_opened;
    // After its trailer is written and the file closed.
    std::function<void(const ChunkEvent&)> chunk_closed;
    // Exactly once, last; success only after request_stop().
    std::function<void(Status)> finished;
};

// Records until stopped or broken. Owns its capture thread and every FFmpeg
// object, which live and die on that thread.
class ChunkRecorder {
  public:
    // Keeps the settings; nothing is opened until start().
    ChunkRecorder(CaptureSettings settings, CaptureCallbacks callbacks);
    // Requests a stop and joins the capture thread (finished() has then fired).
    ~ChunkRecorder();
    ChunkRecorder(const ChunkRecorder&) = delete;
    ChunkRecorder& operator=(const ChunkRecorder&) = delete;

    // Starts the capture thread, once; inputs are opened there and any
    // failure arrives through finished().
    void start();
    // Thread-safe and returns at once; the capture thread stops reading within
    // about half a second, even while a read blocks, then closes the last chunk.
    void request_stop();
    // Blocks until the capture thread has ended; call from the owning thread.
    void wait();

  private:
    void run();

    CaptureSettings m_settings;
    CaptureCallbacks m_callbacks;
    std::unique_ptr<CaptureClock> m_clock;
    std::thread m_thread;
};

} // namespace ov2ha::media
