// The libavfilter graph between a decoder and its encoder: fps, scale and pixel
// format for video; resampling, sample format and layout for audio.
#pragma once

#include "core/base/result.hpp"
#include "core/base/validators.hpp"
#include "core/media/av_util.hpp"

#include <string>

namespace ov2ha::media {

// The frames a video encoder wants.
struct VideoFilterSpec {
    int framerate = 25;
    Resolution size;
    AVPixelFormat pixel_format = AV_PIX_FMT_YUV420P;
};

// The frames an audio encoder wants (always stereo).
struct AudioFilterSpec {
    int sample_rate = 48000;
    AVSampleFormat sample_format = AV_SAMPLE_FMT_FLTP;
};

// Owns one configured filter graph; used by the capture thread only. Frames go
// in by reference (no copy) and come out with timestamps in the sink's time base.
class FilterChain {
  public:
    // fps=FRAMERATE, scale to the size (a pass-through when the input has it), format.
    static Result<FilterChain> video(const AVCodecContext& decoder, AVRational time_base,
                                     const VideoFilterSpec& spec, const std::string& input_name);
    // aresample (with drift compensation) to the rate, aformat to the format in stereo.
    static Result<FilterChain> audio(const AVCodecContext& decoder, AVRational time_base,
                                     const AudioFilterSpec& spec, const std::string& input_name);

    // Moves `frame`'s data into the graph, leaving `frame` blank; nullptr marks
    // the end of the input so that the graph gives out what it still holds.
    Status push(AVFrame* frame);

    // Takes the next filtered frame into `frame` (which must be blank). False
    // when the graph needs more input or has given out everything.
    Result<bool> pull(AVFrame* frame);

    // Audio: makes every frame out of pull() hold exactly `samples` samples
    // (the encoder's frame size); the last one may be shorter.
    void set_frame_size(int samples);

    // What comes out of the graph, for opening the encoder.
    const AVFilterContext& sink() const { return *m_sink; }

  private:
    FilterChain(FilterGraph graph, AVFilterContext* source, AVFilterContext* sink,
                std::string input_name);
    static Result<FilterChain> build(const std::string& description, const char* source_name,
                                     const char* sink_name, std::string input_name);

    FilterGraph m_graph;
    AVFilterContext* m_source; // owned by m_graph
    AVFilterContext* m_sink;   // owned by m_graph
    std::string m_input_name;
};

} // namespace ov2ha::media
