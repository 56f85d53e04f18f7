import './styles/theme.css';
import './elements/mien-app.js';
