"""Container images for the lab, built without Docker: a Debian root file system from
debootstrap, the image's own files on top, written as a `docker save` archive that the Mesos
containerizer's local registry (`--docker_registry=<dir>`) and `docker load` both read.

Like the lab tool, it knows root file systems and archive formats, not Mesos.
"""
