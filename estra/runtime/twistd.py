"""`twistd estra`: the command line and the service it makes.

twistd's dropin (twisted/plugins/estra_plugin.py) names this module.  It picks one
process (`estra.runtime.service.build_service`) or a supervisor with workers
(`estra.runtime.workers.build_supervisor`), and turns start-up errors into one line.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import Any

from twisted.application.service import IService
from twisted.python import usage
from twisted.python.filepath import FilePath

from estra import __version__
from estra.config import ConfigError, load_settings
from estra.interfaces import installed_reactor
from estra.logging import remember_twistd, speed_up_text_log
from estra.runtime.service import build_service
from estra.runtime.state import StateError
from estra.runtime.workers import build_supervisor
from estra.web.listeners import StartupError

__all__ = ["Options", "makeService", "restrict_umask"]


class Options(usage.Options):
    """Command line of `twistd estra`."""

    synopsis = "[--config=FILE] [--state-dir=DIR] [--listen=ENDPOINT] [--workers=N]"
    optParameters = [
        ["config", "c", None, "TOML configuration file (default: built-in defaults)."],
        ["state-dir", "d", None, "State directory (default ./estra-state)."],
        ["listen", "l", None,
         "Twisted endpoint to listen on; estra adds TLS (default "
         "tcp:8443:interface=127.0.0.1)."],
        ["workers", "w", None,
         "Processes serving the listening sockets; 0: one per CPU (default: server.workers, "
         "else 1, this process)."],
    ]

    def opt_version(self) -> None:
        """Print the estra release and exit."""
        print(f"estra {__version__}")
        raise SystemExit(0)

    def postOptions(self) -> None:
        workers = self["workers"]
        if workers is not None and not workers.isdigit():
            raise SystemExit(f"estra: --workers {workers}: expected a number of processes")
        try:
            self["settings"] = load_settings(
                FilePath(self["config"]) if self["config"] else None,
                state_dir=self["state-dir"], listen=self["listen"],
                workers=None if workers is None else int(workers))
        except ConfigError as e:
            # One line naming file, key and problem; twistd would add its usage text.
            raise SystemExit(f"estra: {e}") from None


def makeService(options: Options) -> IService:
    reactor = installed_reactor()
    restrict_umask(getattr(options, "parent", None))
    remember_twistd(getattr(options, "parent", None))   # for --logger estra.logging.json_observer
    reactor.callWhenRunning(speed_up_text_log)          # twistd's text log, cheaper
    try:
        if options["settings"].workers > 1:
            return build_supervisor(reactor, options["settings"], announce=sys.__stderr__)
        # the real standard error (twistd's sys.stderr is the log): a terminal, or nothing
        return build_service(reactor, options["settings"], announce=sys.__stderr__)
    except (StartupError, StateError) as e:
        raise SystemExit(f"estra: {e}") from None
    except (OSError, ValueError, ConfigError) as e:
        raise SystemExit(f"estra: cannot start: {e}") from None


def restrict_umask(twistd: Any) -> int:
    """Set the process umask before twistd opens --logfile, and tighten a log file
    that is already there; returns the umask set.

    twistd opens the log file after `makeService` but applies `--umask` (and a
    daemon's default 077) only later, so without this the log, which carries
    client addresses and user names, was created 0644. The umask is `--umask` when
    given, else 077 for a daemon (what twistd applies anyway) and 027 under
    `--nodaemon`: log files 0600 or 0640.
    """
    def option(name: str) -> Any:
        try:
            return twistd[name] if twistd is not None else None
        except KeyError:                          # `twist` has no such options
            return None
    umask = option("umask")
    if umask is None:
        umask = 0o027 if option("nodaemon") or twistd is None else 0o077
    os.umask(umask)
    logfile = option("logfile")
    if logfile and logfile != "-" and os.path.isfile(logfile):
        mode = stat.S_IMODE(os.stat(logfile).st_mode)
        if mode & umask:
            os.chmod(logfile, mode & ~umask)
    return int(umask)
