#!/usr/bin/python3
"""Measuring stick for bench/detect.bench.mjs, not shipped: the monitor's per-frame
algorithm in Python + OpenCV, the way the old monitor did it. For each frame:
grayscale decode of the 1280x720 capture, blackscreen sampled on rows 5%-70%
(every 4th pixel, like the thumbnail), Canny 50/150 on the bottom 30% (only on
black frames, as zap needs black; --canny-always runs it on every frame),
freeze on the thumbnail against the previous 3. Prints one JSON line.
Usage: /usr/bin/python3 bench/detect_opencv.py <device-dir> [--canny-always]
"""
import json
import os
import re
import resource
import sys
import time

import cv2
import numpy as np

DARK_LUMA, BLACK_PERCENT = 10, 85
BANNER_MIN, BANNER_MAX = 3, 20
PIXEL_DIFF, SAME_PERCENT, EARLY_EXIT_PERCENT, RING = 10, 2.0, 5, 3


def main():
    device = sys.argv[1]
    canny_always = '--canny-always' in sys.argv[2:]
    captures = os.path.join(device, 'captures')
    thumbnails = os.path.join(device, 'thumbnails')
    names = sorted(n for n in os.listdir(captures) if re.fullmatch(r'capture_\d{9}\.jpg', n))
    counts = {'frames': 0, 'errors': 0, 'blackscreen': 0, 'zap': 0, 'freeze': 0}
    previous = []
    started = time.perf_counter()
    for name in names:
        img = cv2.imread(os.path.join(captures, name), cv2.IMREAD_GRAYSCALE)
        thumb = cv2.imread(os.path.join(thumbnails, name[:-4] + '_thumbnail.jpg'), cv2.IMREAD_GRAYSCALE)
        if img is None or thumb is None:
            counts['errors'] += 1
            continue
        h = img.shape[0]
        region = img[h * 5 // 100:h * 70 // 100:4, ::4]
        dark = np.count_nonzero(region <= DARK_LUMA) * 100 / region.size
        black = dark > BLACK_PERCENT
        zap = False
        if black or canny_always:
            band = img[h * 70 // 100:, :]
            density = np.count_nonzero(cv2.Canny(band, 50, 150)) * 100 / band.size
            zap = black and BANNER_MIN <= density <= BANNER_MAX
        diffs = []
        for prev in previous:
            d = np.count_nonzero(cv2.absdiff(thumb, prev) > PIXEL_DIFF) * 100 / thumb.size
            diffs.append(d)
            if d > EARLY_EXIT_PERCENT:
                break
        frozen = len(diffs) >= 2 and all(d < SAME_PERCENT for d in diffs)
        previous.insert(0, thumb)
        del previous[RING:]
        counts['frames'] += 1
        counts['blackscreen'] += black
        counts['zap'] += zap
        counts['freeze'] += frozen
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)  # whole process since start, OpenCV's threads included
    counts.update(loopSeconds=seconds, cpuSeconds=usage.ru_utime + usage.ru_stime, cannyAlways=canny_always,
                  maxRssMB=usage.ru_maxrss / 1024)
    print(json.dumps(counts))


if __name__ == '__main__':
    main()
