import { nothing } from 'lit';
import { AsyncDirective, directive } from 'lit/async-directive.js';
import type { PictureUrls } from '../api/pictures.js';

/** An <img src> of an API picture that does not change: no src until it is fetched (with the token). */
class ApiPictureDirective extends AsyncDirective {
  private path: string | null | undefined;
  private url: string | typeof nothing = nothing;

  render(pictures: PictureUrls, path: string | null): string | typeof nothing {
    if (path !== this.path) {
      this.path = path;
      this.url = nothing;
      if (path !== null) {
        void pictures.stable(path).then((url) => {
          if (this.path !== path || url === undefined) return;
          this.url = url;
          this.setValue(url);
        });
      }
    }
    return this.url;
  }
}

export const apiPicture = directive(ApiPictureDirective);
