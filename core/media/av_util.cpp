// FFmpeg ownership helpers; see av_util.hpp.
#include "core/media/av_util.hpp"

#include <new>

namespace ov2ha::media {

std::string av_error_string(int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    return text;
}

void OutputFormatCloser::operator()(AVFormatContext* context) const {
    if (context->oformat && !(context->oformat->flags & AVFMT_NOFILE) && context->pb &&
        !(context->flags & AVFMT_FLAG_CUSTOM_IO)) {
        avio_closep(&context->pb);
    }
    avformat_free_context(context);
}

void IoContextFreer::operator()(AVIOContext* io) const {
    av_freep(&io->buffer);
    avio_context_free(&io);
}

Packet make_packet() {
    Packet packet(av_packet_alloc());
    if (!packet) {
        throw std::bad_alloc();
    }
    return packet;
}

Frame make_frame() {
    Frame frame(av_frame_alloc());
    if (!frame) {
        throw std::bad_alloc();
    }
    return frame;
}

Dictionary make_dictionary(std::initializer_list<std::pair<const char*, std::string>> entries) {
    Dictionary dictionary;
    for (const auto& [key, value] : entries) {
        if (lend_dictionary(dictionary, [&](AVDictionary** raw) {
                return av_dict_set(raw, key, value.c_str(), 0);
            }) < 0) {
            throw std::bad_alloc();
        }
    }
    return dictionary;
}

} // namespace ov2ha::media
