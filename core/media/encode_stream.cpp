// Opening and running one encoder; see encode_stream.hpp.
#include "core/media/encode_stream.hpp"

#include "core/base/log.hpp"

extern "C" {
#include <libavfilter/buffersink.h>
}

#include <new>

namespace ov2ha::media {
namespace {

CodecContext allocate(const AVCodec& codec, bool global_header) {
    CodecContext context(avcodec_alloc_context3(&codec));
    if (!context) {
        throw std::bad_alloc();
    }
    if (global_header) {
        context->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    }
    return context;
}

// Options the codec did not take (a preset given to a codec without presets):
// worth a warning, not a failure.
void warn_about_unused(const Dictionary& options, const AVCodec& codec) {
    const AVDictionaryEntry* entry = nullptr;
    while ((entry = av_dict_get(options.get(), "", entry, AV_DICT_IGNORE_SUFFIX))) {
        log::warn("encoder option not used", {{"codec", codec.name}, {"option", entry->key}});
    }
}

} // namespace

Result<const AVCodec*> StreamEncoder::find(const std::string& name, AVMediaType type) {
    const AVCodec* codec = avcodec_find_encoder_by_name(name.c_str());
    if (!codec || codec->type != type) {
        return failure(std::string("FFmpeg has no ") + av_get_media_type_string(type) +
                       " encoder called \"" + name + "\"");
    }
    return codec;
}

AVSampleFormat StreamEncoder::preferred_sample_format(const AVCodec& codec) {
    return codec.sample_fmts ? codec.sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
}

Result<StreamEncoder> StreamEncoder::open(CodecContext context, const AVCodec& codec,
                                          Dictionary options) {
    const int opened = lend_dictionary(options, [&](AVDictionary** dictionary) {
        return avcodec_open2(context.get(), &codec, dictionary);
    });
    if (opened < 0) {
        return failure("cannot open the " + std::string(codec.name) +
                       " encoder: " + av_error_string(opened));
    }
    warn_about_unused(options, codec);
    return StreamEncoder(std::move(context));
}

Result<StreamEncoder> StreamEncoder::open_video(const AVCodec& codec,
                                                const EncoderSettings& settings,
                                                const AVFilterContext& sink, bool global_header) {
    CodecContext context = allocate(codec, global_header);
    context->width = av_buffersink_get_w(&sink);
    context->height = av_buffersink_get_h(&sink);
    context->pix_fmt = static_cast<AVPixelFormat>(av_buffersink_get_format(&sink));
    context->sample_aspect_ratio = av_buffersink_get_sample_aspect_ratio(&sink);
    context->time_base = av_buffersink_get_time_base(&sink);
    context->framerate = av_buffersink_get_frame_rate(&sink);
    return open(std::move(context), codec,
                make_dictionary({{"preset", settings.preset},
                                 {"crf", std::to_string(settings.crf)},
                                 {"forced-idr", "1"},
                                 {"threads", "auto"}}));
}

Result<StreamEncoder> StreamEncoder::open_audio(const AVCodec& codec,
                                                const EncoderSettings& settings,
                                                const AVFilterContext& sink, bool global_header) {
    CodecContext context = allocate(codec, global_header);
    context->sample_fmt = static_cast<AVSampleFormat>(av_buffersink_get_format(&sink));
    context->sample_rate = av_buffersink_get_sample_rate(&sink);
    const int layout = av_buffersink_get_ch_layout(&sink, &context->ch_layout);
    if (layout < 0) {
        return failure("cannot read the channel layout for the " + std::string(codec.name) +
                       " encoder: " + av_error_string(layout));
    }
    context->bit_rate = settings.audio_bitrate;
    context->time_base = AVRational{1, context->sample_rate};
    return open(std::move(context), codec, make_dictionary({{"threads", "auto"}}));
}

Status StreamEncoder::send(const AVFrame* frame) {
    const int sent = avcodec_send_frame(m_context.get(), frame);
    if (sent < 0 && !(frame == nullptr && sent == AVERROR_EOF)) {
        return failure("cannot encode with " + std::string(m_context->codec->name) + ": " +
                       av_error_string(sent));
    }
    return success();
}

Result<bool> StreamEncoder::receive(AVPacket* packet) {
    const int received = avcodec_receive_packet(m_context.get(), packet);
    if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) {
        return false;
    }
    if (received < 0) {
        return failure("cannot encode with " + std::string(m_context->codec->name) + ": " +
                       av_error_string(received));
    }
    // libx264 leaves durations out; the muxer would otherwise guess each
    // fragment's last one.
    if (packet->duration == 0 && m_context->codec_type == AVMEDIA_TYPE_VIDEO &&
        m_context->framerate.num > 0) {
        packet->duration = av_rescale_q(1, av_inv_q(m_context->framerate), m_context->time_base);
    }
    return true;
}

} // namespace ov2ha::media
