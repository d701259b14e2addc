#include "spool/server_variables.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "common/did_you_mean.hpp"

namespace psyncd::spool {

namespace {

// XMail 1.27's variables (psyncd reads RootDomain, POP3Domain, Pop3SyncErrorAccount,
// FetchHdrTags, DefaultSMTPGateways, SmtpGwConfig, HeloDomain and MaxMTAOps of them).
constexpr std::array<std::string_view, 44> kXMail = {
    "RootDomain",           "SmtpServerDomain",
    "POP3Domain",           "PostMaster",
    "ErrorsAdmin",          "TempErrorsAdmin",
    "DefaultSMTPGateways",  "HeloDomain",
    "CheckMailerDomain",    "RemoveSpoolErrors",
    "NotifyMsgLinesExtra",  "NotifySendLogToSender",
    "NotifyTryPattern",     "AllowNullSender",
    "NoSenderBounce",       "MaxMTAOps",
    "ReceivedHdrType",      "FetchHdrTags",
    "SmtpMsgIPBanSpammers", "SmtpMsgIPBanSpamAddress",
    "SmtpMsgIPBanMaps",     "SmtpMsgIPBan",
    "CustomSMTPMessage",    "AllowSmtpVRFY",
    "AllowSmtpETRN",        "SmtpMinDiskSpace",
    "SmtpMinVirtMemSpace",  "Pop3MinVirtMemSpace",
    "Pop3SyncErrorAccount", "MaxMessageSize",
    "DefaultSmtpPerms",     "CustMapsList",
    "SmartDNSHost",         "DisableEmitAuthUser",
    "SmtpGwConfig",         "Pop3LogPasswd",
    "SmtpNoTLSAuths",       "SSLUseCertsFile",
    "SSLUseCertsDir",       "SSLWantVerify",
    "SSLAllowSelfSigned",   "SSLWantCert",
    "SSLMaxCertsDepth",     "SmtpConfig"};

// psyncd's numeric variables: a value that is not a number is ignored (the default is used).
constexpr std::array<std::string_view, 10> kNumeric = {
    "Pop3RequireTLS",   "Pop3ListingCache",    "Pop3Threads",          "Pop3MaxConnPerIP",
    "Pop3LoginTimeout", "Pop3LockoutFailures", "PsyncFailedHostDelay", "PsyncFailedAccountDelay",
    "PsyncMaxPerHost",  "PsyncRelayOutside"};

// XMail's numeric variables psyncd reads the same way.
constexpr std::array<std::string_view, 1> kXMailNumeric = {"MaxMTAOps"};

// psyncd's other variables.
constexpr std::array<std::string_view, 4> kText = {"Pop3Greeting", "Pop3TLSCiphers",
                                                   "Pop3TLSMinVersion", "LogLevel"};

std::vector<std::string_view> all_names() {
  std::vector<std::string_view> out(kXMail.begin(), kXMail.end());
  out.insert(out.end(), kNumeric.begin(), kNumeric.end());
  out.insert(out.end(), kText.begin(), kText.end());
  return out;
}

}  // namespace

std::optional<log::Level> parse_log_level(std::string_view text) {
  if (text == "error") return log::Level::error;
  if (text == "warning") return log::Level::warn;
  if (text == "info") return log::Level::info;
  if (text == "debug") return log::Level::debug;
  return std::nullopt;
}

bool is_known_server_variable(std::string_view name) {
  // SmtpConfig-<ip>[,<port>]: XMail's per-listener SmtpConfig.
  if (name.rfind("SmtpConfig-", 0) == 0) return true;
  std::vector<std::string_view> names = all_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

ServerVariableProblems check_server_variables(const ServerConfig& config) {
  ServerVariableProblems out;
  for (const ServerConfig::Variable& v : config.variables()) {
    if (is_known_server_variable(v.name)) continue;
    Error e{ErrorKind::config, config.path(), v.line, "field 1 (name)",
            "unknown variable \"" + v.name + "\""};
    if (auto guess = did_you_mean(v.name, all_names())) {
      e.text += " (did you mean \"" + *guess +
                "\"? names are case-sensitive; as written it "
                "sets nothing)";
      out.errors.push_back(std::move(e));
    } else {
      e.text += " (neither XMail nor psyncd reads it)";
      out.warnings.push_back(std::move(e));
    }
  }
  std::vector<std::string_view> numeric(kNumeric.begin(), kNumeric.end());
  numeric.insert(numeric.end(), kXMailNumeric.begin(), kXMailNumeric.end());
  for (std::string_view name : numeric) {
    auto r = config.get_int_checked(name, 0);
    if (!r) {
      Error e = r.error();
      e.text += "; psyncd uses its default instead";
      out.errors.push_back(std::move(e));
    }
  }
  for (const ServerConfig::Variable& v : config.variables()) {
    if (v.name != "LogLevel" || parse_log_level(config.get(v.name).value_or(""))) continue;
    out.errors.push_back(Error{ErrorKind::config, config.path(), v.line, "field 2 (LogLevel)",
                               "\"" + config.get(v.name).value_or("") +
                                   "\" is not one of error, warning, info, debug; psyncd logs "
                                   "at info"});
  }
  std::sort(out.errors.begin(), out.errors.end(),
            [](const Error& a, const Error& b) { return a.line < b.line; });
  return out;
}

}  // namespace psyncd::spool
