// One capture input: an FFmpeg input (device, lavfi graph or file), the decoder
// of the one stream recorded from it, and its timestamps on the recording clock.
#pragma once

#include "core/base/result.hpp"
#include "core/base/validators.hpp"
#include "core/media/av_util.hpp"
#include "core/media/capture_clock.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace ov2ha::media {

// What to open and what a screen grabber needs to know.
struct CaptureRequest {
    std::string role; // "video" or "audio": names the input and its flag in errors
    MediaInput input; // "file" opens SPEC as a file; any other FORMAT is an FFmpeg input format
    AVMediaType type = AVMEDIA_TYPE_UNKNOWN;
    Resolution video_size; // x11grab captures this size
    int framerate = 0;     // x11grab captures this many frames per second
};

// Owns the demuxer and the decoder of one input; used by the capture thread only.
// Timestamps: the stream's first timestamp is mapped to the moment its packet
// arrived on the CaptureClock, later ones follow the input's own clock, so
// inputs on different clocks share one timeline. A jump of more than two
// seconds (a wall clock stepped under a live device) re-anchors the input.
class CaptureInput {
  public:
    // Opens the input and the decoder of its best stream of the requested type.
    // Blocking (device open, probing) but interrupted by a stop request; `clock`
    // must outlive the input. Failures name the input and the flag to check.
    static Result<std::unique_ptr<CaptureInput>> open(const CaptureRequest& request,
                                                      CaptureClock& clock);

    // Reads the next packet of the recorded stream into pending(), blocking
    // until the input delivers one or a stop is requested, and moves its
    // timestamps onto the recording timeline. True: a packet is pending. False:
    // the input ended, or the read was interrupted by a stop.
    Result<bool> read_next();

    // The packet of the last successful read_next(); the caller may consume it.
    AVPacket* pending() { return m_pending.get(); }

    // Microseconds after the recording start at which pending() is due; the
    // capture loop sleeps until then to pace non-live inputs to the wall clock.
    std::int64_t pending_due() const { return m_pending_due; }

    // The opened decoder of the recorded stream; owned by the input.
    AVCodecContext* decoder() { return m_decoder.get(); }
    // The time base of pending() packets and of the frames decoded from them.
    AVRational time_base() const { return m_time_base; }

    // "video input lavfi:testsrc2=...": how errors and logs name this input.
    const std::string& name() const { return m_name; }

    // Used by open(): takes an opened input and the decoder of `stream_index`.
    CaptureInput(std::string name, CaptureClock& clock, InputFormat format, int stream_index,
                 CodecContext decoder);

  private:
    void move_to_timeline(AVPacket* packet);
    void anchor(std::int64_t timestamp, std::int64_t now);

    std::string m_name;
    CaptureClock& m_clock;
    InputFormat m_format;
    int m_stream_index;
    AVRational m_time_base;
    CodecContext m_decoder;
    Packet m_pending;
    bool m_anchored = false;
    std::int64_t m_offset = 0; // added to the input's timestamps (stream time base)
    std::int64_t m_pending_due = 0;
};

} // namespace ov2ha::media
