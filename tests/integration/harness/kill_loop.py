"""One step of a crash loop: start a command, SIGKILL it at a random moment, and adapt the
window the moments are drawn from to how long a run lasts on this machine."""
import random
import signal
import subprocess
import time


def run_and_kill(cmd, window, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                 longest=0.5):
    """Returns (hit, window): whether the kill landed in a running process, and the window
    for the next step (wider after a hit, up to `longest`; narrower when the run ended first,
    since the machine is faster than the window assumed)."""
    p = subprocess.Popen(cmd, stdout=stdout, stderr=stderr)
    time.sleep(random.uniform(0, window))
    hit = p.poll() is None
    window = min(longest, window * 1.05) if hit else max(0.02, window * 0.8)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    return hit, window
