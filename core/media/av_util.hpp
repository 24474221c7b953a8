// Ownership and error text for FFmpeg's C objects: every AV* handle lives in a
// unique_ptr with its library free function; every error code becomes words.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

namespace ov2ha::media {

// av_err2str is a C compound literal, not valid C++; this is its replacement.
std::string av_error_string(int code);

struct InputFormatCloser {
    void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
// An opened output: closes its AVIO (when the format has a file) and frees it.
struct OutputFormatCloser {
    void operator()(AVFormatContext* context) const;
};
struct CodecContextFreer {
    void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct PacketFreer {
    void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct FrameFreer {
    void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct FilterGraphFreer {
    void operator()(AVFilterGraph* graph) const { avfilter_graph_free(&graph); }
};
struct CodecParametersFreer {
    void operator()(AVCodecParameters* parameters) const { avcodec_parameters_free(&parameters); }
};
struct ScaleContextFreer {
    void operator()(SwsContext* context) const { sws_freeContext(context); }
};
// A custom AVIOContext (avio_alloc_context): frees its current buffer, then itself.
struct IoContextFreer {
    void operator()(AVIOContext* io) const;
};
struct DictionaryFreer {
    void operator()(AVDictionary* dictionary) const { av_dict_free(&dictionary); }
};

using InputFormat = std::unique_ptr<AVFormatContext, InputFormatCloser>;
using OutputFormat = std::unique_ptr<AVFormatContext, OutputFormatCloser>;
using CodecContext = std::unique_ptr<AVCodecContext, CodecContextFreer>;
using Packet = std::unique_ptr<AVPacket, PacketFreer>;
using Frame = std::unique_ptr<AVFrame, FrameFreer>;
using FilterGraph = std::unique_ptr<AVFilterGraph, FilterGraphFreer>;
using CodecParameters = std::unique_ptr<AVCodecParameters, CodecParametersFreer>;
using ScaleContext = std::unique_ptr<SwsContext, ScaleContextFreer>;
using IoContext = std::unique_ptr<AVIOContext, IoContextFreer>;
using Dictionary = std::unique_ptr<AVDictionary, DictionaryFreer>;

Packet make_packet();
Frame make_frame();

// A dictionary holding `entries` (FFmpeg options); throws std::bad_alloc like make_packet().
Dictionary make_dictionary(std::initializer_list<std::pair<const char*, std::string>> entries);

// Lends `dictionary` to an FFmpeg call taking AVDictionary** (which may replace
// or free it) and takes back whatever the call leaves; returns the call's result.
template <class Call> int lend_dictionary(Dictionary& dictionary, Call&& call) {
    AVDictionary* raw = dictionary.release();
    const int result = call(&raw);
    dictionary.reset(raw);
    return result;
}

} // namespace ov2ha::media
