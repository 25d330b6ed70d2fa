import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { restoreSession } from './api';
import './styles.css';

// A new tab (or a reload) is signed in through the HttpOnly refresh cookie, before the first render decides.
void restoreSession();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
