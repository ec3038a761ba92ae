"""Files that are never public media: generated reports and uploaded rosters live outside
MEDIA_ROOT and only scoped views hand them out."""
import os

from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """A file system storage whose root is read at use (``root()``), so tests and workers may point
    it elsewhere after start-up, and which has no public URL."""

    def root(self) -> str:
        raise NotImplementedError

    @property
    def base_location(self):
        return self.root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None
