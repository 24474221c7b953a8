// Opening, reading and timestamping one capture input; see capture_input.hpp.
#include "core/media/capture_input.hpp"

#include "core/base/log.hpp"

extern "C" {
#include <libavdevice/avdevice.h>
}

#include <mutex>
#include <new>

namespace ov2ha::media {
namespace {

// Beyond this distance from the wall clock (ahead) or from the previous packet
// (backwards), an input's timestamps are taken to have jumped.
constexpr std::int64_t k_timestamp_jump_microseconds = 2'000'000;
// How long to wait before asking again when an input has nothing yet (EAGAIN).
constexpr std::int64_t k_retry_microseconds = 10'000;

void register_devices() {
    static std::once_flag registered;
    std::call_once(registered, [] { avdevice_register_all(); });
}

std::string hint_for(const CaptureRequest& request) {
    if (request.input.format == "x11grab") {
        return "check DISPLAY / --" + request.role + "-input";
    }
    if (request.input.format == "pulse") {
        return "check the PulseAudio server (PULSE_SERVER) / --" + request.role + "-input";
    }
    return "check --" + request.role + "-input";
}

Dictionary options_for(const CaptureRequest& request) {
    if (request.input.format == "x11grab") {
        return make_dictionary({{"framerate", std::to_string(request.framerate)},
                                {"video_size", std::to_string(request.video_size.width) + "x" +
                                                   std::to_string(request.video_size.height)},
                                {"draw_mouse", "0"}});
    }
    return Dictionary();
}

// Devices and lavfi describe their streams in the header; probing them would
// only read (and delay) packets whose arrival time anchors the timeline. Files
// are always probed.
bool needs_probing(const AVFormatContext& context) {
    if (!(context.iformat->flags & AVFMT_NOFILE) || context.nb_streams == 0) {
        return true;
    }
    for (unsigned i = 0; i < context.nb_streams; ++i) {
        const AVCodecParameters& p = *context.streams[i]->codecpar;
        const bool described =
            p.codec_id != AV_CODEC_ID_NONE &&
            (p.codec_type == AVMEDIA_TYPE_VIDEO   ? p.width > 0 && p.height > 0 && p.format >= 0
             : p.codec_type == AVMEDIA_TYPE_AUDIO ? p.sample_rate > 0 && p.ch_layout.nb_channels > 0
                                                  : true);
        if (!described) {
            return true;
        }
    }
    return false;
}

Result<InputFormat> open_format(const CaptureRequest& request, const std::string& name,
                                CaptureClock& clock) {
    const std::string hint = hint_for(request);
    const AVInputFormat* format = nullptr;
    if (request.input.format != "file") {
        format = av_find_input_format(request.input.format.c_str());
        if (!format) {
            return failure("cannot open " + name + ": FFmpeg has no input format called \"" +
                           request.input.format + "\"; " + hint);
        }
    }
    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) {
        throw std::bad_alloc();
    }
    raw->interrupt_callback = {&CaptureClock::interrupt_callback, &clock};
    Dictionary options = options_for(request);
    const int opened = lend_dictionary(options, [&](AVDictionary** dictionary) {
        return avformat_open_input(&raw, request.input.spec.c_str(), format, dictionary);
    });
    if (opened < 0) { // avformat_open_input has freed the context
        return failure("cannot open " + name + ": " + av_error_string(opened) + "; " + hint);
    }
    InputFormat context(raw);
    if (needs_probing(*context)) {
        const int probed = avformat_find_stream_info(context.get(), nullptr);
        if (probed < 0) {
            return failure("cannot read the streams of " + name + ": " + av_error_string(probed) +
                           "; " + hint);
        }
    }
    return context;
}

Result<CodecContext> open_decoder(const AVFormatContext& context, int stream_index,
                                  const std::string& name) {
    AVStream* stream = context.streams[stream_index];
    const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (!codec) {
        return failure("cannot decode " + name + ": no decoder for " +
                       avcodec_get_name(stream->codecpar->codec_id));
    }
    CodecContext decoder(avcodec_alloc_context3(codec));
    if (!decoder) {
        throw std::bad_alloc();
    }
    const int copied = avcodec_parameters_to_context(decoder.get(), stream->codecpar);
    if (copied < 0) {
        return failure("cannot set up the decoder of " + name + ": " + av_error_string(copied));
    }
    decoder->pkt_timebase = stream->time_base;
    if (decoder->codec_type == AVMEDIA_TYPE_VIDEO) {
        decoder->framerate =
            av_guess_frame_rate(const_cast<AVFormatContext*>(&context), stream, nullptr);
    }
    Dictionary options = make_dictionary({{"threads", "auto"}});
    const int opened = lend_dictionary(options, [&](AVDictionary** dictionary) {
        return avcodec_open2(decoder.get(), codec, dictionary);
    });
    if (opened < 0) {
        return failure("cannot open the " + std::string(codec->name) + " decoder of " + name +
                       ": " + av_error_string(opened));
    }
    return decoder;
}

} // namespace

Result<std::unique_ptr<CaptureInput>> CaptureInput::open(const CaptureRequest& request,
                                                         CaptureClock& clock) {
    register_devices();
    const std::string name =
        request.role + " input " + request.input.format + ":" + request.input.spec;
    auto context = open_format(request, name, clock);
    if (!context) {
        return context.error();
    }
    const int stream_index = av_find_best_stream(context->get(), request.type, -1, -1, nullptr, 0);
    if (stream_index < 0) {
        return failure(name + " has no " + av_get_media_type_string(request.type) + " stream (" +
                       av_error_string(stream_index) + "); " + hint_for(request));
    }
    for (unsigned i = 0; i < (*context)->nb_streams; ++i) {
        if (static_cast<int>(i) != stream_index) {
            (*context)->streams[i]->discard = AVDISCARD_ALL;
        }
    }
    auto decoder = open_decoder(**context, stream_index, name);
    if (!decoder) {
        return decoder.error();
    }
    log::info(
        "capture input opened",
        {{"input", name},
         {"codec", avcodec_get_name((*decoder)->codec_id)},
         {"time_base", std::to_string((*context)->streams[stream_index]->time_base.num) + "/" +
                           std::to_string((*context)->streams[stream_index]->time_base.den)}});
    return std::make_unique<CaptureInput>(name, clock, std::move(*context), stream_index,
                                          std::move(*decoder));
}

CaptureInput::CaptureInput(std::string name, CaptureClock& clock, InputFormat format,
                           int stream_index, CodecContext decoder)
    : m_name(std::move(name)), m_clock(clock), m_format(std::move(format)),
      m_stream_index(stream_index), m_time_base(m_format->streams[stream_index]->time_base),
      m_decoder(std::move(decoder)), m_pending(make_packet()) {}

Result<bool> CaptureInput::read_next() {
    for (;;) {
        av_packet_unref(m_pending.get());
        const int read = av_read_frame(m_format.get(), m_pending.get());
        if (read == AVERROR_EOF || read == AVERROR_EXIT) {
            return false;
        }
        if (read == AVERROR(EAGAIN)) {
            if (!m_clock.sleep_until(m_clock.elapsed_microseconds() + k_retry_microseconds)) {
                return false;
            }
            continue;
        }
        if (read < 0) {
            return failure("cannot read " + m_name + ": " + av_error_string(read));
        }
        if (m_pending->stream_index == m_stream_index) {
            move_to_timeline(m_pending.get());
            return true;
        }
    }
}

void CaptureInput::anchor(std::int64_t timestamp, std::int64_t now) {
    m_offset = av_rescale_q(now, AV_TIME_BASE_Q, m_time_base) - timestamp;
    m_anchored = true;
}

void CaptureInput::move_to_timeline(AVPacket* packet) {
    const std::int64_t now = m_clock.elapsed_microseconds();
    const std::int64_t timestamp = packet->dts != AV_NOPTS_VALUE ? packet->dts : packet->pts;
    if (timestamp == AV_NOPTS_VALUE) {
        m_pending_due = now;
        return;
    }
    if (!m_anchored) {
        anchor(timestamp, now);
    } else {
        const std::int64_t due = av_rescale_q(timestamp + m_offset, m_time_base, AV_TIME_BASE_Q);
        if (due > now + k_timestamp_jump_microseconds ||
            due < m_pending_due - k_timestamp_jump_microseconds) {
            log::warn("input timestamps jumped; re-anchoring them to the wall clock",
                      {{"input", m_name},
                       {"jump_seconds", std::to_string(static_cast<double>(due - now) / 1e6)}});
            anchor(timestamp, now);
        }
    }
    if (packet->pts != AV_NOPTS_VALUE) {
        packet->pts += m_offset;
    }
    if (packet->dts != AV_NOPTS_VALUE) {
        packet->dts += m_offset;
    }
    m_pending_due = av_rescale_q(timestamp + m_offset, m_time_base, AV_TIME_BASE_Q);
}

} // namespace ov2ha::media
