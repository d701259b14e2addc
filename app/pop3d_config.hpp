// make_pop3d_config: the POP3/POP3S side of the psyncd command line (-Pp -PI -P6 -Pt -Pw -Ph
// -Pl -PX -P-, -Bp -BI -B6 -B-, -MM/-Mm, -Mr, -Ms) as the pop3d::Pop3dConfig the listener
// takes. Plain mapping: it opens nothing; whether POP3S really starts is decided by pop3d
// (MAIL_ROOT/server.cert + server.key must exist).
#pragma once

#include "app/options.hpp"
#include "pop3d/config.hpp"

namespace psyncd::app {

pop3d::Pop3dConfig make_pop3d_config(const Options& options);

}  // namespace psyncd::app
