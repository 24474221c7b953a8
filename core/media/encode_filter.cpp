// Building and running the filter graphs; see encode_filter.hpp.
#include "core/media/encode_filter.hpp"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>
}

#include <new>

namespace ov2ha::media {
namespace {

// Instance names ("filter@id") by which the built graph's ends are found.
constexpr const char* k_video_source = "buffer@source";
constexpr const char* k_video_sink = "buffersink@sink";
constexpr const char* k_audio_source = "abuffer@source";
constexpr const char* k_audio_sink = "abuffersink@sink";

std::string rational_text(AVRational value) {
    return std::to_string(value.num) + "/" + std::to_string(value.den);
}

std::string channel_layout_text(const AVCodecContext& decoder) {
    AVChannelLayout layout{};
    if (decoder.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        av_channel_layout_default(&layout, decoder.ch_layout.nb_channels);
    } else if (av_channel_layout_copy(&layout, &decoder.ch_layout) < 0) {
        throw std::bad_alloc();
    }
    char text[128] = {};
    const int described = av_channel_layout_describe(&layout, text, sizeof text);
    av_channel_layout_uninit(&layout);
    if (described < 0) {
        return std::to_string(decoder.ch_layout.nb_channels) + "c";
    }
    return text;
}

} // namespace

FilterChain::FilterChain(FilterGraph graph, AVFilterContext* source, AVFilterContext* sink,
                         std::string input_name)
    : m_graph(std::move(graph)), m_source(source), m_sink(sink),
      m_input_name(std::move(input_name)) {}

Result<FilterChain> FilterChain::build(const std::string& description, const char* source_name,
                                       const char* sink_name, std::string input_name) {
    FilterGraph graph(avfilter_graph_alloc());
    if (!graph) {
        throw std::bad_alloc();
    }
    const int parsed =
        avfilter_graph_parse_ptr(graph.get(), description.c_str(), nullptr, nullptr, nullptr);
    if (parsed < 0) {
        return failure("cannot build the filter graph \"" + description + "\" for " + input_name +
                       ": " + av_error_string(parsed));
    }
    const int configured = avfilter_graph_config(graph.get(), nullptr);
    if (configured < 0) {
        return failure("cannot configure the filter graph \"" + description + "\" for " +
                       input_name + ": " + av_error_string(configured));
    }
    AVFilterContext* source = avfilter_graph_get_filter(graph.get(), source_name);
    AVFilterContext* sink = avfilter_graph_get_filter(graph.get(), sink_name);
    if (!source || !sink) {
        return failure("the filter graph \"" + description + "\" for " + input_name +
                       " lacks its " + source_name + " or " + sink_name);
    }
    return FilterChain(std::move(graph), source, sink, std::move(input_name));
}

Result<FilterChain> FilterChain::video(const AVCodecContext& decoder, AVRational time_base,
                                       const VideoFilterSpec& spec, const std::string& input_name) {
    const AVRational aspect =
        decoder.sample_aspect_ratio.num > 0 ? decoder.sample_aspect_ratio : AVRational{1, 1};
    // scale passes frames through untouched when they already have the size
    // and format, and follows an input whose size changes mid-stream.
    const std::string description =
        std::string(k_video_source) + "=video_size=" + std::to_string(decoder.width) + "x" +
        std::to_string(decoder.height) + ":pix_fmt=" + av_get_pix_fmt_name(decoder.pix_fmt) +
        ":time_base=" + rational_text(time_base) + ":pixel_aspect=" + rational_text(aspect) +
        ",fps=" + std::to_string(spec.framerate) + ",scale=" + std::to_string(spec.size.width) +
        ":" + std::to_string(spec.size.height) +
        ",format=" + av_get_pix_fmt_name(spec.pixel_format) + "," + k_video_sink;
    return build(description, k_video_source, k_video_sink, input_name);
}

Result<FilterChain> FilterChain::audio(const AVCodecContext& decoder, AVRational time_base,
                                       const AudioFilterSpec& spec, const std::string& input_name) {
    const std::string description =
        std::string(k_audio_source) + "=time_base=" + rational_text(time_base) +
        ":sample_rate=" + std::to_string(decoder.sample_rate) +
        ":sample_fmt=" + av_get_sample_fmt_name(decoder.sample_fmt) +
        ":channel_layout=" + channel_layout_text(decoder) +
        ",aresample=" + std::to_string(spec.sample_rate) + ":async=1000" +
        ",aformat=sample_fmts=" + av_get_sample_fmt_name(spec.sample_format) +
        ":channel_layouts=stereo," + k_audio_sink;
    return build(description, k_audio_source, k_audio_sink, input_name);
}

Status FilterChain::push(AVFrame* frame) {
    const int pushed = av_buffersrc_add_frame_flags(m_source, frame, AV_BUFFERSRC_FLAG_PUSH);
    if (pushed < 0) {
        return failure("cannot filter " + m_input_name + ": " + av_error_string(pushed));
    }
    return success();
}

Result<bool> FilterChain::pull(AVFrame* frame) {
    const int pulled = av_buffersink_get_frame(m_sink, frame);
    if (pulled == AVERROR(EAGAIN) || pulled == AVERROR_EOF) {
        return false;
    }
    if (pulled < 0) {
        return failure("cannot filter " + m_input_name + ": " + av_error_string(pulled));
    }
    return true;
}

void FilterChain::set_frame_size(int samples) {
    av_buffersink_set_frame_size(m_sink, samples);
}

} // namespace ov2ha::media
