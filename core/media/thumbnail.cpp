// Thumbnail from the middle of a recording; see thumbnail.hpp. Stages as in
// FFmpeg's examples: open and find the video, seek and decode one frame,
// scale it with swscale, encode it with the mjpeg encoder, write it.
#include "core/media/thumbnail.hpp"

#include "core/base/files.hpp"
#include "core/media/av_util.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cmath>

namespace ov2ha::media {
namespace {

// The mjpeg encoder's quantiser scale: 2 is best, 31 worst; 3 looks clean
// and stays small.
constexpr int k_jpeg_qscale = 3;

struct VideoInput {
    InputFormat format;
    CodecContext decoder;
    int stream = -1;
};

Result<VideoInput> open_video(const std::string& path) {
    AVFormatContext* raw = nullptr;
    if (const int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); rc < 0) {
        return failure("cannot open " + path + ": " + av_error_string(rc));
    }
    VideoInput input{InputFormat(raw), nullptr, -1};
    if (const int rc = avformat_find_stream_info(raw, nullptr); rc < 0) {
        return failure("cannot read the streams of " + path + ": " + av_error_string(rc));
    }
    const AVCodec* codec = nullptr;
    input.stream = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (input.stream < 0) {
        return failure(path + " has no decodable video stream: " + av_error_string(input.stream));
    }
    input.decoder.reset(avcodec_alloc_context3(codec));
    if (!input.decoder) {
        return failure("out of memory for a video decoder");
    }
    if (const int rc = avcodec_parameters_to_context(input.decoder.get(),
                                                     raw->streams[input.stream]->codecpar);
        rc < 0) {
        return failure("cannot set up the video decoder: " + av_error_string(rc));
    }
    if (const int rc = avcodec_open2(input.decoder.get(), codec, nullptr); rc < 0) {
        return failure("cannot open the " + std::string(codec->name) +
                       " decoder: " + av_error_string(rc));
    }
    return input;
}

// The middle of the video stream, in its time base.
std::int64_t middle_of(const AVFormatContext* format, const AVStream* stream) {
    const std::int64_t start = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
        return start + stream->duration / 2;
    }
    if (format->duration != AV_NOPTS_VALUE && format->duration > 0) {
        return start + av_rescale_q(format->duration / 2, AV_TIME_BASE_Q, stream->time_base);
    }
    return start;
}

// Feeds one packet (or the end, when `packet` is null) and keeps the decoded
// frames; true once a frame at or after `target` is in `frame`.
Result<bool> decode_into(AVCodecContext* decoder, const AVPacket* packet, std::int64_t target,
                         Frame& frame, bool& have_frame) {
    if (const int rc = avcodec_send_packet(decoder, packet); rc < 0 && rc != AVERROR_EOF) {
        // A damaged packet only costs that packet; the next keyframe recovers.
        return packet ? Result<bool>(false)
                      : Result<bool>(failure("cannot flush the decoder: " + av_error_string(rc)));
    }
    Frame decoded = make_frame();
    for (;;) {
        const int rc = avcodec_receive_frame(decoder, decoded.get());
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) {
            return false;
        }
        if (rc < 0) {
            return failure("cannot decode video: " + av_error_string(rc));
        }
        std::swap(frame, decoded);
        av_frame_unref(decoded.get());
        have_frame = true;
        if (frame->best_effort_timestamp != AV_NOPTS_VALUE &&
            frame->best_effort_timestamp >= target) {
            return true;
        }
    }
}

// Seeks to the keyframe before the middle and decodes up to the middle.
Result<Frame> decode_middle_frame(VideoInput& input, const std::string& path) {
    AVFormatContext* format = input.format.get();
    const std::int64_t target = middle_of(format, format->streams[input.stream]);
    // When the seek fails, decoding starts at the beginning: still a valid frame.
    if (av_seek_frame(format, input.stream, target, AVSEEK_FLAG_BACKWARD) >= 0) {
        avcodec_flush_buffers(input.decoder.get());
    }
    Frame frame = make_frame();
    bool have_frame = false;
    Packet packet = make_packet();
    for (;;) {
        const int rc = av_read_frame(format, packet.get());
        if (rc < 0) {
            break;
        }
        if (packet->stream_index != input.stream) {
            av_packet_unref(packet.get());
            continue;
        }
        auto done = decode_into(input.decoder.get(), packet.get(), target, frame, have_frame);
        av_packet_unref(packet.get());
        if (!done) {
            return done.error();
        }
        if (*done) {
            return frame;
        }
    }
    if (auto done = decode_into(input.decoder.get(), nullptr, target, frame, have_frame); !done) {
        return done.error();
    }
    if (!have_frame) {
        return failure("no video frame of " + path + " could be decoded");
    }
    return frame;
}

// `width` by an even height that keeps the displayed aspect ratio.
int thumbnail_height(const AVFrame& frame, int width) {
    AVRational sar = frame.sample_aspect_ratio;
    if (sar.num <= 0 || sar.den <= 0) {
        sar = {1, 1};
    }
    const double height = static_cast<double>(width) * frame.height * sar.den /
                          (static_cast<double>(frame.width) * sar.num);
    return std::max(2, static_cast<int>(std::lround(height / 2)) * 2);
}

Result<Frame> scale_frame(const AVFrame& frame, int width) {
    const int height = thumbnail_height(frame, width);
    ScaleContext scaler(sws_getContext(frame.width, frame.height,
                                       static_cast<AVPixelFormat>(frame.format), width, height,
                                       AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
    if (!scaler) {
        return failure("cannot scale " + std::to_string(frame.width) + "x" +
                       std::to_string(frame.height) + " video to " + std::to_string(width) + "x" +
                       std::to_string(height));
    }
    // JPEG wants full-range samples.
    int* inverse_table = nullptr;
    int* table = nullptr;
    int source_range = 0, target_range = 0, brightness = 0, contrast = 0, saturation = 0;
    if (sws_getColorspaceDetails(scaler.get(), &inverse_table, &source_range, &table, &target_range,
                                 &brightness, &contrast, &saturation) < 0 ||
        sws_setColorspaceDetails(scaler.get(), inverse_table, source_range, table, 1, brightness,
                                 contrast, saturation) < 0) {
        const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format));
        return failure(std::string("cannot convert ") + (name ? name : "this") +
                       " video to full-range JPEG colours");
    }
    Frame scaled = make_frame();
    scaled->width = width;
    scaled->height = height;
    scaled->format = AV_PIX_FMT_YUV420P;
    scaled->color_range = AVCOL_RANGE_JPEG;
    if (const int rc = av_frame_get_buffer(scaled.get(), 0); rc < 0) {
        return failure("cannot allocate the thumbnail picture: " + av_error_string(rc));
    }
    if (const int rc = sws_scale(scaler.get(), frame.data, frame.linesize, 0, frame.height,
                                 scaled->data, scaled->linesize);
        rc <= 0) {
        return failure("cannot scale the frame: " + av_error_string(rc));
    }
    return scaled;
}

Result<std::string> encode_jpeg(AVFrame& picture) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    if (!codec) {
        return failure("this FFmpeg has no mjpeg encoder");
    }
    CodecContext encoder(avcodec_alloc_context3(codec));
    if (!encoder) {
        return failure("out of memory for the mjpeg encoder");
    }
    encoder->width = picture.width;
    encoder->height = picture.height;
    encoder->pix_fmt = AV_PIX_FMT_YUV420P;
    encoder->color_range = AVCOL_RANGE_JPEG;
    encoder->time_base = {1, 25};
    encoder->flags |= AV_CODEC_FLAG_QSCALE;
    encoder->global_quality = FF_QP2LAMBDA * k_jpeg_qscale;
    if (const int rc = avcodec_open2(encoder.get(), codec, nullptr); rc < 0) {
        return failure("cannot open the mjpeg encoder: " + av_error_string(rc));
    }
    picture.quality = encoder->global_quality;
    picture.pts = 0;
    if (const int rc = avcodec_send_frame(encoder.get(), &picture); rc < 0) {
        return failure("cannot encode the thumbnail: " + av_error_string(rc));
    }
    if (const int rc = avcodec_send_frame(encoder.get(), nullptr); rc < 0) {
        return failure("cannot finish the thumbnail: " + av_error_string(rc));
    }
    Packet packet = make_packet();
    if (const int rc = avcodec_receive_packet(encoder.get(), packet.get()); rc < 0) {
        return failure("the mjpeg encoder gave no picture: " + av_error_string(rc));
    }
    return std::string(reinterpret_cast<const char*>(packet->data),
                       static_cast<size_t>(packet->size));
}

} // namespace

Status write_thumbnail(const std::string& media_path, const std::string& jpeg_path, int width) {
    if (width < 2) {
        return failure("thumbnail width must be at least 2 pixels, not " + std::to_string(width));
    }
    auto input = open_video(media_path);
    if (!input) {
        return input.error();
    }
    auto frame = decode_middle_frame(*input, media_path);
    if (!frame) {
        return frame.error();
    }
    auto scaled = scale_frame(**frame, width);
    if (!scaled) {
        return scaled.error();
    }
    auto jpeg = encode_jpeg(**scaled);
    if (!jpeg) {
        return jpeg.error();
    }
    return write_file_atomically(jpeg_path, *jpeg);
}

} // namespace ov2ha::media
