// One encoder fed by a FilterChain: a video codec (libx264 with preset, CRF and
// IDR on forced keyframes) or an audio codec (AAC at a bitrate).
#pragma once

#include "core/base/result.hpp"
#include "core/media/av_util.hpp"
#include "core/media/chunk_recorder.hpp"

#include <string>

namespace ov2ha::media {

// Owns one opened AVCodecContext; used by the capture thread only.
class StreamEncoder {
  public:
    // The encoder called `name` for `type`; the failure names both.
    static Result<const AVCodec*> find(const std::string& name, AVMediaType type);

    // The sample format `codec` prefers: the audio filter chain delivers it.
    static AVSampleFormat preferred_sample_format(const AVCodec& codec);

    // Opens `codec` for the frames that come out of `sink`, with threads like
    // the ffmpeg CLI ("auto"). `global_header`: the muxer wants the codec
    // headers out of band (MP4), so every chunk carries them in its moov.
    static Result<StreamEncoder> open_video(const AVCodec& codec, const EncoderSettings& settings,
                                            const AVFilterContext& sink, bool global_header);
    static Result<StreamEncoder> open_audio(const AVCodec& codec, const EncoderSettings& settings,
                                            const AVFilterContext& sink, bool global_header);

    // Gives the encoder a frame (it takes its own reference); nullptr drains it.
    Status send(const AVFrame* frame);

    // Takes the next encoded packet (timestamps in context().time_base). False
    // when the encoder needs more frames or has given out everything.
    Result<bool> receive(AVPacket* packet);

    // The opened codec context: parameters and time base for the muxer.
    const AVCodecContext& context() const { return *m_context; }

  private:
    explicit StreamEncoder(CodecContext context) : m_context(std::move(context)) {}
    static Result<StreamEncoder> open(CodecContext context, const AVCodec& codec,
                                      Dictionary options);

    CodecContext m_context;
};

} // namespace ov2ha::media
