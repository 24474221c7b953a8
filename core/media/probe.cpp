// Media description; see probe.hpp. Reads the same FFmpeg fields ffprobe
// prints, so the .info built from it says what ffprobe would have said.
#include "core/media/probe.hpp"

#include "core/media/av_util.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>
}

namespace ov2ha::media {
namespace {

Rational rational(AVRational value) {
    return {value.num, value.den};
}

std::optional<std::int64_t> known_timestamp(std::int64_t ts) {
    return ts == AV_NOPTS_VALUE ? std::nullopt : std::optional<std::int64_t>(ts);
}

std::optional<std::int64_t> known_duration(std::int64_t ts) {
    return ts == AV_NOPTS_VALUE || ts == 0 ? std::nullopt : std::optional<std::int64_t>(ts);
}

std::optional<std::int64_t> positive(std::int64_t value) {
    return value > 0 ? std::optional<std::int64_t>(value) : std::nullopt;
}

void describe_video(AVFormatContext* format, AVStream* stream, StreamInfo& info) {
    const AVCodecParameters* parameters = stream->codecpar;
    info.width = parameters->width;
    info.height = parameters->height;
    const AVRational sar = av_guess_sample_aspect_ratio(format, stream, nullptr);
    if (sar.num) {
        info.sample_aspect_ratio = rational(sar);
    }
    if (const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(parameters->format))) {
        info.pix_fmt = name;
    }
    info.level = parameters->level;
}

void describe_audio(const AVCodecParameters* parameters, StreamInfo& info) {
    info.sample_rate = parameters->sample_rate;
    info.channels = parameters->ch_layout.nb_channels;
    if (const char* name =
            av_get_sample_fmt_name(static_cast<AVSampleFormat>(parameters->format))) {
        info.sample_fmt = name;
    }
    if (parameters->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC) {
        char layout[128] = {};
        if (av_channel_layout_describe(&parameters->ch_layout, layout, sizeof layout) > 0) {
            info.channel_layout = layout;
        }
    }
}

StreamInfo describe_stream(AVFormatContext* format, AVStream* stream) {
    const AVCodecParameters* parameters = stream->codecpar;
    StreamInfo info;
    info.index = stream->index;
    const char* type = av_get_media_type_string(parameters->codec_type);
    info.codec_type = type ? type : "unknown";
    if (const AVCodecDescriptor* descriptor = avcodec_descriptor_get(parameters->codec_id)) {
        info.codec_name = descriptor->name;
        info.codec_long_name = descriptor->long_name ? descriptor->long_name : "unknown";
    } else {
        info.codec_name = "unknown";
    }
    if (const char* profile = avcodec_profile_name(parameters->codec_id, parameters->profile)) {
        info.profile = profile;
    } else if (parameters->profile != FF_PROFILE_UNKNOWN) {
        info.profile = std::to_string(parameters->profile);
    }
    char tag[AV_FOURCC_MAX_STRING_SIZE] = {};
    info.codec_tag_string = av_fourcc_make_string(tag, parameters->codec_tag);
    info.codec_tag = parameters->codec_tag;
    info.time_base = rational(stream->time_base);
    info.r_frame_rate = rational(stream->r_frame_rate);
    info.avg_frame_rate = rational(stream->avg_frame_rate);
    info.start_pts = known_timestamp(stream->start_time);
    info.duration_ts = known_duration(stream->duration);
    info.bit_rate = positive(parameters->bit_rate);
    info.nb_frames = positive(stream->nb_frames);
    if (parameters->codec_type == AVMEDIA_TYPE_VIDEO) {
        describe_video(format, stream, info);
    } else if (parameters->codec_type == AVMEDIA_TYPE_AUDIO) {
        describe_audio(parameters, info);
    }
    return info;
}

} // namespace

Result<MediaInfo> probe_media(const std::string& path) {
    AVFormatContext* raw = nullptr;
    if (const int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); rc < 0) {
        return failure("cannot open " + path + ": " + av_error_string(rc));
    }
    InputFormat format(raw);
    if (const int rc = avformat_find_stream_info(raw, nullptr); rc < 0) {
        return failure("cannot read the streams of " + path + ": " + av_error_string(rc));
    }
    MediaInfo info;
    info.filename = path;
    info.format_name = raw->iformat->name;
    info.format_long_name = raw->iformat->long_name ? raw->iformat->long_name : "unknown";
    if (raw->start_time != AV_NOPTS_VALUE) {
        info.start_time_seconds = static_cast<double>(raw->start_time) * av_q2d(AV_TIME_BASE_Q);
    }
    if (known_duration(raw->duration)) {
        info.duration_seconds = static_cast<double>(raw->duration) * av_q2d(AV_TIME_BASE_Q);
    }
    if (raw->pb) {
        if (const std::int64_t size = avio_size(raw->pb); size >= 0) {
            info.size_bytes = size;
        }
    }
    info.bit_rate = positive(raw->bit_rate);
    info.probe_score = raw->probe_score;
    info.nb_programs = static_cast<int>(raw->nb_programs);
    for (unsigned i = 0; i < raw->nb_streams; ++i) {
        info.streams.push_back(describe_stream(raw, raw->streams[i]));
    }
    return info;
}

} // namespace ov2ha::media
