// ffprobe-shaped .info JSON; see info_json.hpp. Each field is printed the way
// ffprobe's JSON writer prints it: seconds with "%f", rates as "num/den",
// byte and bit counts as strings, sizes and counts as numbers.
#include "core/openvidu/info_json.hpp"

#include <cinttypes>
#include <cstdio>
#include <numeric>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace ov2ha::openvidu {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void text(Writer& writer, const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void optional_text(Writer& writer, const char* key, const std::string& value) {
    if (!value.empty()) {
        text(writer, key, value);
    }
}

void number(Writer& writer, const char* key, std::int64_t value) {
    writer.Key(key);
    writer.Int64(value);
}

// ffprobe prints seconds with "%f".
std::string seconds_text(double seconds) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%f", seconds);
    return buffer;
}

std::string ratio_text(media::Rational value, char separator) {
    return std::to_string(value.num) + separator + std::to_string(value.den);
}

// A timestamp in `time_base` as ffprobe's seconds text.
std::string timestamp_seconds(std::int64_t ts, media::Rational time_base) {
    return seconds_text(static_cast<double>(ts) *
                        (static_cast<double>(time_base.num) / static_cast<double>(time_base.den)));
}

std::string hex_tag(std::uint32_t tag) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%04" PRIx32, tag);
    return buffer;
}

void write_video_fields(Writer& writer, const media::StreamInfo& stream) {
    number(writer, "width", stream.width);
    number(writer, "height", stream.height);
    if (stream.sample_aspect_ratio) {
        const media::Rational sar = *stream.sample_aspect_ratio;
        text(writer, "sample_aspect_ratio", ratio_text(sar, ':'));
        const std::int64_t num = static_cast<std::int64_t>(stream.width) * sar.num;
        const std::int64_t den = static_cast<std::int64_t>(stream.height) * sar.den;
        const std::int64_t divisor = num && den ? std::gcd(num, den) : 1;
        text(writer, "display_aspect_ratio",
             std::to_string(num / divisor) + ":" + std::to_string(den / divisor));
    }
    optional_text(writer, "pix_fmt", stream.pix_fmt);
    if (stream.level) {
        number(writer, "level", *stream.level);
    }
}

void write_audio_fields(Writer& writer, const media::StreamInfo& stream) {
    optional_text(writer, "sample_fmt", stream.sample_fmt);
    text(writer, "sample_rate", std::to_string(stream.sample_rate));
    number(writer, "channels", stream.channels);
    optional_text(writer, "channel_layout", stream.channel_layout);
}

void write_stream(Writer& writer, const media::StreamInfo& stream) {
    writer.StartObject();
    number(writer, "index", stream.index);
    text(writer, "codec_name", stream.codec_name);
    optional_text(writer, "codec_long_name", stream.codec_long_name);
    optional_text(writer, "profile", stream.profile);
    text(writer, "codec_type", stream.codec_type);
    text(writer, "codec_tag_string", stream.codec_tag_string);
    text(writer, "codec_tag", hex_tag(stream.codec_tag));
    if (stream.codec_type == "video") {
        write_video_fields(writer, stream);
    } else if (stream.codec_type == "audio") {
        write_audio_fields(writer, stream);
    }
    text(writer, "r_frame_rate", ratio_text(stream.r_frame_rate, '/'));
    text(writer, "avg_frame_rate", ratio_text(stream.avg_frame_rate, '/'));
    text(writer, "time_base", ratio_text(stream.time_base, '/'));
    if (stream.start_pts) {
        number(writer, "start_pts", *stream.start_pts);
        text(writer, "start_time", timestamp_seconds(*stream.start_pts, stream.time_base));
    }
    if (stream.duration_ts) {
        number(writer, "duration_ts", *stream.duration_ts);
        text(writer, "duration", timestamp_seconds(*stream.duration_ts, stream.time_base));
    }
    if (stream.bit_rate) {
        text(writer, "bit_rate", std::to_string(*stream.bit_rate));
    }
    if (stream.nb_frames) {
        text(writer, "nb_frames", std::to_string(*stream.nb_frames));
    }
    writer.EndObject();
}

void write_format(Writer& writer, const media::MediaInfo& info) {
    writer.StartObject();
    text(writer, "filename", info.filename);
    number(writer, "nb_streams", static_cast<std::int64_t>(info.streams.size()));
    number(writer, "nb_programs", info.nb_programs);
    text(writer, "format_name", info.format_name);
    optional_text(writer, "format_long_name", info.format_long_name);
    if (info.start_time_seconds) {
        text(writer, "start_time", seconds_text(*info.start_time_seconds));
    }
    if (info.duration_seconds) {
        text(writer, "duration", seconds_text(*info.duration_seconds));
    }
    if (info.size_bytes) {
        text(writer, "size", std::to_string(*info.size_bytes));
    }
    if (info.bit_rate) {
        text(writer, "bit_rate", std::to_string(*info.bit_rate));
    }
    number(writer, "probe_score", info.probe_score);
    writer.EndObject();
}

} // namespace

std::string info_json(const media::MediaInfo& info) {
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.SetIndent(' ', 4);
    writer.StartObject();
    writer.Key("streams");
    writer.StartArray();
    for (const auto& stream : info.streams) {
        write_stream(writer, stream);
    }
    writer.EndArray();
    writer.Key("format");
    write_format(writer, info);
    writer.EndObject();
    return std::string(buffer.GetString()) + "\n";
}

} // namespace ov2ha::openvidu
