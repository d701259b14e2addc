#include "app/pop3d_config.hpp"

namespace psyncd::app {

pop3d::Pop3dConfig make_pop3d_config(const Options& o) {
  pop3d::Pop3dConfig c;
  c.mail_root = o.mail_root;
  c.pop3_enabled = o.pop3.enabled;
  c.pop3_port = o.pop3.port;
  c.pop3_bind = o.pop3.bind;
  c.pop3_ipv6 = o.pop3.ipv6;
  c.pop3s_enabled = o.pop3s.enabled;
  c.pop3s_port = o.pop3s.port;
  c.pop3s_bind = o.pop3s.bind;
  c.pop3s_ipv6 = o.pop3s.ipv6;
  c.max_sessions = o.pop3_max_sessions;
  c.idle_timeout = std::chrono::seconds(o.pop3_timeout);
  c.bad_login_delay = std::chrono::seconds(o.pop3_login_delay);
  c.hang_up_on_bad_login = o.pop3_hangup;
  c.log_enabled = o.pop3_log;
  c.log_rotate_hours = static_cast<int>(o.log_rotate_hours);
  c.format = o.mailbox_format == MailboxFormat::mailbox ? pop3d::MailboxFormat::mailbox
                                                        : pop3d::MailboxFormat::maildir;
  return c;
}

}  // namespace psyncd::app
