"""Research logs, frozen: the searches that chose notebook 3's GAN recipe and tested sampling-time fixes. They are
not part of ``make bench``; each writes its own table into ``results/`` beside it and is kept to be re-read and
re-run, not extended."""
