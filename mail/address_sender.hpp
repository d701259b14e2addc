// Envelope sender of a fetched message (USmlExtractFromAddress): the address in the first
// Return-Path header, else the first mailbox of the first From header (display-name forms
// understood), else empty (the null sender <>). Only picks the address; it does not validate the
// sender's domain.
#pragma once

#include <string>
#include <vector>

#include "mail/header_reader.hpp"

namespace psyncd::mail {

// Departure from XMail: "Return-Path: <>" (a bounce) gives the null sender and does not fall
// back to From, so a bounce of a bounce cannot loop.
std::string envelope_sender(const std::vector<Header>& headers);

}  // namespace psyncd::mail
